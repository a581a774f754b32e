// SPDX-License-Identifier: Apache-2.0
#include "onair/packager/hls_rendition.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "onair/base/entity_tag.h"
#include "onair/format/hls/playlist_text.h"
#include "onair/packager/fmp4_segment_writer.h"
#include "onair/packager/ts_segment_writer.h"

namespace onair::packager {

namespace {

// EXTINF as written (milliseconds), rounded to the nearest second: what
// RFC 8216 compares with EXT-X-TARGETDURATION.
int64_t RoundedSeconds(int64_t ticks) { return (format::hls::TicksToRoundedMs(ticks) + 500) / 1000; }

int64_t CeilSeconds(int64_t ticks) { return ticks <= 0 ? 1 : std::max<int64_t>(1, (ticks + media::kTimescale - 1) / media::kTimescale); }

uint64_t BitsPerSecond(uint64_t bytes, int64_t ticks) {
    if (ticks <= 0) return 0;
    return bytes * 8 * static_cast<uint64_t>(media::kTimescale) / static_cast<uint64_t>(ticks);
}

// Used when no DTS step was seen: one 30 fps frame / one 1024-sample AAC frame.
constexpr int64_t kDefaultVideoFrame = media::kTimescale / 30;
constexpr int64_t kDefaultAudioFrame = 1024 * media::kTimescale / 44100;

std::unique_ptr<SegmentWriter> WriterFor(const HlsRendition::Options& options) {
    if (options.container == HlsRendition::Container::kFmp4) return std::make_unique<Fmp4SegmentWriter>();
    return std::make_unique<TsSegmentWriter>(options.ts);
}

}  // namespace

HlsRendition::HlsRendition(const Options& options) : HlsRendition(options, WriterFor(options)) {}

HlsRendition::HlsRendition(const Options& options, std::unique_ptr<SegmentWriter> writer)
    : options_(options), writer_(std::move(writer)), target_seconds_(CeilSeconds(options.target_duration)) {}

void HlsRendition::SetConfigs(std::optional<media::CodecConfig> video, std::optional<media::CodecConfig> audio) {
    if (video == video_ && audio == audio_) return;
    const bool tracks_change = writer_->ChangesTracks(video, audio);
    video_ = std::move(video);
    audio_ = std::move(audio);
    if (open_ && !tracks_change && !configs_pending_) {
        // Same tracks, new parameter sets: the open segment needs them for
        // the next keyframe already.
        ConfigureWriter();
    } else {
        configs_pending_ = true;
    }
}

void HlsRendition::Push(const media::Packet& packet) {
    if (ended_) return;
    if (packet.segment_start >= 0) {
        const auto sequence = static_cast<uint64_t>(packet.segment_start);
        if (last_sequence_ && sequence <= *last_sequence_) {
            ++stats_.ignored_stamps;
        } else {
            if (open_) Complete(packet.dts - open_->start_dts);
            bool discontinuity = packet.discontinuity;
            bool own_discontinuity = false;
            if (last_sequence_ && sequence != *last_sequence_ + 1) {
                ++stats_.sequence_gaps;
                while (!window_.empty()) {
                    SlideOut(std::move(window_.front()));
                    window_.pop_front();
                }
                TrimGrace();
                own_discontinuity = !discontinuity;
                discontinuity = true;
            }
            Open(packet, sequence, discontinuity);
            if (own_discontinuity) ++own_discontinuities_;
        }
    }
    if (!open_) {
        ++stats_.dropped_before_start;
        return;
    }
    if (open_->oversize || writer_->size() >= options_.max_segment_bytes) {
        open_->oversize = true;
        ++stats_.dropped_oversize;
        return;
    }
    if (!writer_->Write(packet).ok()) {
        ++stats_.write_errors;
        return;
    }
    ++stats_.packets;
    if (packet.kind == media::TrackKind::kVideo) ++open_->video_frames;
    open_->end_dts = std::max(open_->end_dts, packet.dts);
    NoteFrame(packet);
}

void HlsRendition::EndOfStream() {
    if (ended_) return;
    if (open_) Complete(open_->end_dts - open_->start_dts + FrameEstimate(), /*estimated=*/true);
    ended_ = true;
    ++version_;
}

void HlsRendition::Open(const media::Packet& packet, uint64_t sequence, bool discontinuity) {
    if (configs_pending_) {
        ConfigureWriter();
        configs_pending_ = false;
    }
    writer_->Begin(sequence, discontinuity);
    OpenSegment s;
    s.sequence = sequence;
    s.start_dts = packet.dts;
    s.end_dts = packet.dts;
    s.discontinuity = discontinuity;
    s.discontinuity_sequence = static_cast<uint64_t>(std::max<int64_t>(packet.discontinuity_sequence, 0)) +
                               own_discontinuities_;
    s.wallclock_ms = packet.wallclock_ms;
    s.tracks = tracks_;
    open_ = s;
    target_seconds_ = std::max(target_seconds_, RoundedSeconds(packet.longest_segment));
    last_sequence_ = sequence;
    ++version_;  // the target duration or (after a restart) the window
    // Frames are measured within the segment only: the last segment's
    // estimated duration must not depend on what came before it (a packager
    // that started with it would not know), nor be measured across a jump.
    last_video_dts_.reset();
    last_audio_dts_.reset();
    video_step_ = 0;
    audio_step_ = 0;
}

void HlsRendition::ConfigureWriter() {
    if (!writer_->Configure(video_, audio_).ok()) ++stats_.config_errors;
    Tracks tracks{video_, audio_, writer_->InitSegment(), {}};
    if (tracks.init) tracks.init_id = InitSegmentId(*tracks.init);
    tracks_ = std::make_shared<const Tracks>(std::move(tracks));
    if (open_) open_->tracks = tracks_;
}

void HlsRendition::Complete(int64_t duration, bool estimated) {
    CompleteSegment s;
    s.sequence = open_->sequence;
    s.duration = std::max<int64_t>(duration, 0);
    s.discontinuity = open_->discontinuity;
    s.discontinuity_sequence = open_->discontinuity_sequence;
    s.wallclock_ms = open_->wallclock_ms;
    s.video_frames = open_->video_frames;
    s.estimated = estimated;
    s.tracks = open_->tracks;
    s.data = writer_->Finish();
    open_.reset();
    target_seconds_ = std::max(target_seconds_, RoundedSeconds(s.duration));
    ++stats_.segments;
    window_.push_back(std::move(s));
    const size_t window = std::max<size_t>(options_.window_segments, 1);
    while (window_.size() > window) {
        SlideOut(std::move(window_.front()));
        window_.pop_front();
    }
    TrimGrace();
    ++version_;
}

void HlsRendition::SlideOut(CompleteSegment&& segment) { grace_.push_back(std::move(segment)); }

void HlsRendition::TrimGrace() {
    while (grace_.size() > options_.grace_segments) grace_.pop_front();
}

void HlsRendition::NoteFrame(const media::Packet& packet) {
    auto& last = packet.kind == media::TrackKind::kVideo ? last_video_dts_ : last_audio_dts_;
    auto& step = packet.kind == media::TrackKind::kVideo ? video_step_ : audio_step_;
    if (last && packet.dts > *last) step = packet.dts - *last;
    last = packet.dts;
}

int64_t HlsRendition::FrameEstimate() const {
    if (video_) return video_step_ > 0 ? video_step_ : kDefaultVideoFrame;
    if (audio_step_ > 0) return audio_step_;
    if (audio_ && audio_->sample_rate > 0) return 1024 * media::kTimescale / audio_->sample_rate;
    return kDefaultAudioFrame;
}

uint64_t HlsRendition::peak_bitrate() const {
    uint64_t peak = 0;
    for (const auto& s : window_) peak = std::max(peak, BitsPerSecond(s.data.size(), s.duration));
    return peak;
}

uint64_t HlsRendition::average_bitrate() const {
    uint64_t bytes = 0;
    int64_t ticks = 0;
    for (const auto& s : window_) {
        bytes += s.data.size();
        ticks += s.duration;
    }
    return BitsPerSecond(bytes, ticks);
}

format::hls::Variant HlsRendition::VariantModel() const {
    format::hls::Variant v;
    v.bandwidth = peak_bitrate();
    v.average_bandwidth = average_bitrate();
    if (window_.empty() || !window_.back().tracks) return v;
    const Tracks& tracks = *window_.back().tracks;
    if (tracks.video) {
        v.width = tracks.video->width;
        v.height = tracks.video->height;
        v.codecs.push_back(tracks.video->codec_string);
        uint64_t frames = 0;
        int64_t ticks = 0;
        // Only the last segment of an ended stream has an estimated duration.
        const bool skip_estimated = window_.size() > 1;
        for (const auto& s : window_) {
            if (s.video_frames == 0 || (s.estimated && skip_estimated)) continue;
            frames += s.video_frames;
            ticks += s.duration;
        }
        if (frames > 0 && ticks > 0) {
            const double fps = static_cast<double>(frames) * media::kTimescale / static_cast<double>(ticks);
            v.frame_rate = std::round(fps * 1000.0) / 1000.0;
        }
    }
    if (tracks.audio) v.codecs.push_back(tracks.audio->codec_string);
    return v;
}

format::hls::MediaPlaylist HlsRendition::PlaylistModel() const {
    format::hls::MediaPlaylist p;
    p.version = 3;
    p.target_duration_seconds = target_seconds_;
    p.media_sequence = window_.empty() ? (last_sequence_ ? *last_sequence_ : 0) : window_.front().sequence;
    p.discontinuity_sequence = !window_.empty() ? window_.front().discontinuity_sequence
                               : open_          ? open_->discontinuity_sequence
                                                : 0;
    p.independent_segments = true;  // every segment starts at a keyframe
    p.ended = ended_;
    const std::string ext(writer_->extension());
    p.segments.reserve(window_.size());
    const std::string* map = nullptr;  // the init id of the previous segment
    for (const auto& s : window_) {
        format::hls::MediaSegment m;
        m.duration = s.duration;
        m.uri = options_.uri_prefix + std::to_string(s.sequence) + "." + ext;
        if (s.tracks && !s.tracks->init_id.empty() && (map == nullptr || *map != s.tracks->init_id)) {
            m.map_uri = options_.uri_prefix + "init-" + s.tracks->init_id + ".mp4";
            map = &s.tracks->init_id;
        }
        m.discontinuity = s.discontinuity;
        if (s.wallclock_ms != 0) m.program_date_time_ms = s.wallclock_ms;
        p.segments.push_back(std::move(m));
    }
    // RFC 8216 section 7: EXT-X-MAP in a playlist without
    // EXT-X-I-FRAMES-ONLY needs version 6 or greater.
    if (map != nullptr) p.version = 6;
    return p;
}

std::string HlsRendition::InitSegmentId(const base::SharedBuffer& init) {
    char id[17];
    std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(base::Fnv1a64(init.view())));
    return id;
}

std::optional<base::SharedBuffer> HlsRendition::InitSegment(std::string_view id) const {
    auto match = [&](const std::shared_ptr<const Tracks>& t) { return t && t->init && t->init_id == id; };
    if (open_ && match(open_->tracks)) return *open_->tracks->init;
    for (const auto* list : {&window_, &grace_}) {
        for (const auto& s : *list) {
            if (match(s.tracks)) return *s.tracks->init;
        }
    }
    return std::nullopt;
}

std::string HlsRendition::Playlist() const { return format::hls::WriteMediaPlaylist(PlaylistModel()); }

std::optional<base::SharedBuffer> HlsRendition::Segment(uint64_t sequence) const {
    for (const auto* list : {&window_, &grace_}) {
        for (const auto& s : *list) {
            if (s.sequence == sequence) return s.data;
        }
    }
    return std::nullopt;
}

}  // namespace onair::packager
