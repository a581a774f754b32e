// SPDX-License-Identifier: Apache-2.0
#include "onair/format/mp4/fragment_builder.h"

#include <algorithm>

namespace onair::format::mp4 {
namespace {

constexpr uint32_t kAacFrameSamples = 1024;
constexpr uint32_t kDefaultVideoRate = 30;

uint32_t Clamp32(int64_t v) { return static_cast<uint32_t>(std::clamp<int64_t>(v, 0, UINT32_MAX)); }

int32_t ClampSigned32(int64_t v) { return static_cast<int32_t>(std::clamp<int64_t>(v, INT32_MIN, INT32_MAX)); }

// A lone sample's duration when nothing else is known: an AAC frame, or a
// frame at 30 fps.
uint32_t DefaultDuration(const Track& t) {
    if (t.config.kind == media::TrackKind::kAudio) {
        const uint64_t rate = t.config.sample_rate > 0 ? static_cast<uint64_t>(t.config.sample_rate) : t.timescale;
        return rate == 0 ? kAacFrameSamples : static_cast<uint32_t>(uint64_t{kAacFrameSamples} * t.timescale / rate);
    }
    return t.timescale / kDefaultVideoRate;
}

}  // namespace

uint64_t ToTimescale(int64_t ticks, uint32_t timescale) {
    if (ticks <= 0) return 0;
    const auto t = static_cast<uint64_t>(ticks);
    const uint64_t k = static_cast<uint64_t>(media::kTimescale);
    // q * timescale + round(r * timescale / k): exact, and no product
    // overflows for any time a broadcast reaches.
    const uint64_t q = t / k, r = t % k;
    return q * timescale + (r * timescale + k / 2) / k;
}

FragmentBuilder::FragmentBuilder(std::span<const Track> tracks, int64_t origin_dts) : origin_dts_(origin_dts) {
    for (const auto& t : tracks) tracks_.push_back(TrackState{t, {}, std::nullopt});
}

FragmentBuilder::TrackState* FragmentBuilder::StateOf(media::TrackKind kind) {
    for (auto& t : tracks_) {
        if (t.track.config.kind == kind) return &t;
    }
    return nullptr;
}

void FragmentBuilder::Add(const media::Packet& packet) {
    TrackState* state = StateOf(packet.kind);
    if (state == nullptr) return;
    const bool sync = packet.kind == media::TrackKind::kAudio || packet.keyframe;
    state->packets.push_back(Pending{packet.dts, packet.pts, sync, packet.payload});
}

bool FragmentBuilder::empty() const {
    return std::all_of(tracks_.begin(), tracks_.end(), [](const TrackState& t) { return t.packets.empty(); });
}

TrackFragment FragmentBuilder::Build(TrackState& state, std::optional<int64_t> next_dts) {
    const uint32_t ts = state.track.timescale;
    auto convert = [&](int64_t t) { return ToTimescale(t - origin_dts_, ts); };
    TrackFragment out;
    out.track_id = state.track.id;
    const auto& packets = state.packets;
    if (packets.empty()) return out;
    out.base_decode_time = convert(packets.front().dts);
    out.samples.reserve(packets.size());
    out.payloads.reserve(packets.size());
    for (size_t i = 0; i < packets.size(); ++i) {
        const Pending& p = packets[i];
        const uint64_t dts = convert(p.dts);
        Sample s;
        s.size = static_cast<uint32_t>(p.payload.size());
        s.sync = p.sync;
        s.composition_offset = ClampSigned32(static_cast<int64_t>(convert(std::max(p.pts, origin_dts_))) -
                                             static_cast<int64_t>(dts));
        if (i + 1 < packets.size()) {
            s.duration = Clamp32(static_cast<int64_t>(convert(packets[i + 1].dts)) - static_cast<int64_t>(dts));
        } else if (next_dts) {
            s.duration = Clamp32(static_cast<int64_t>(convert(*next_dts)) - static_cast<int64_t>(dts));
        } else if (!out.samples.empty()) {
            s.duration = out.samples.back().duration;
        } else if (state.last_duration) {
            s.duration = *state.last_duration;
        } else {
            s.duration = DefaultDuration(state.track);
        }
        out.samples.push_back(s);
        out.payloads.push_back(p.payload);
    }
    state.last_duration = out.samples.back().duration;
    state.packets.clear();
    return out;
}

std::vector<TrackFragment> FragmentBuilder::TakeTrackFragments(std::optional<int64_t> next_video_dts,
                                                               std::optional<int64_t> next_audio_dts) {
    std::vector<TrackFragment> out;
    for (auto& t : tracks_) {
        const bool video = t.track.config.kind == media::TrackKind::kVideo;
        TrackFragment f = Build(t, video ? next_video_dts : next_audio_dts);
        if (!f.samples.empty()) out.push_back(std::move(f));
    }
    return out;
}

FragmentBytes FragmentBuilder::Finish(uint32_t sequence_number, std::optional<int64_t> next_video_dts,
                                      std::optional<int64_t> next_audio_dts) {
    const auto fragments = TakeTrackFragments(next_video_dts, next_audio_dts);
    return WriteFragment(sequence_number, fragments);
}

}  // namespace onair::format::mp4
