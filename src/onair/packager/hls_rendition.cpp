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

// An EXT-X-PART (LL-HLS).
format::hls::PartialSegment PartModel(int64_t duration, std::string uri, bool independent, bool gap) {
    format::hls::PartialSegment m;
    m.duration = duration;
    m.uri = std::move(uri);
    m.independent = independent;
    m.gap = gap;
    return m;
}

std::unique_ptr<SegmentWriter> WriterFor(const HlsRendition::Options& options) {
    if (options.container == HlsRendition::Container::kFmp4) return std::make_unique<Fmp4SegmentWriter>();
    return std::make_unique<TsSegmentWriter>(options.ts);
}

}  // namespace

HlsRendition::HlsRendition(const Options& options) : HlsRendition(options, WriterFor(options)) {}

HlsRendition::HlsRendition(const Options& options, std::unique_ptr<SegmentWriter> writer)
    : options_(options),
      writer_(std::move(writer)),
      low_latency_(options.part_target > 0 && writer_->SupportsChunks()),
      target_seconds_(CeilSeconds(options.target_duration)) {}

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
    if (low_latency_) BeforeWrite(packet);
    if (open_->oversize || writer_->size() >= options_.max_segment_bytes) {
        open_->oversize = true;
        ++stats_.dropped_oversize;
        if (low_latency_) AfterWrite(packet, false);
        return;
    }
    if (!writer_->Write(packet).ok()) {
        ++stats_.write_errors;
        if (low_latency_) AfterWrite(packet, false);
        return;
    }
    if (low_latency_) AfterWrite(packet, true);
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
    s.part_start_dts = packet.dts;
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
    if (low_latency_) ClosePart(open_->start_dts + s.duration);
    s.data = writer_->Finish();
    if (low_latency_) {
        // The parts again, as slices of the final buffer: one storage per
        // segment even if it grew after a part was handed out.
        s.parts = std::move(open_->parts);
        size_t offset = 0;
        for (auto& part : s.parts) {
            const size_t size = part.data.size();
            if (size > 0) part.data = s.data.Slice(offset, size);
            offset += size;
        }
    }
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

bool HlsRendition::CutsParts(const media::Packet& packet) const {
    const bool video = open_->tracks && open_->tracks->video;
    return packet.kind == (video ? media::TrackKind::kVideo : media::TrackKind::kAudio);
}

int64_t HlsRendition::StepMargin() const {
    const int64_t cap = options_.part_target * 15 / 100;
    return open_->max_cut_step > 0 ? std::min(open_->max_cut_step, cap) : cap;
}

void HlsRendition::BeforeWrite(const media::Packet& packet) {
    if (!CutsParts(packet)) return;
    if (packet.dts > open_->part_start_dts + options_.part_target - StepMargin()) ClosePart(packet.dts);
}

void HlsRendition::AfterWrite(const media::Packet& packet, bool written) {
    if (!CutsParts(packet)) return;
    auto& o = *open_;
    if (o.last_cut_dts && packet.dts > *o.last_cut_dts) o.max_cut_step = std::max(o.max_cut_step, packet.dts - *o.last_cut_dts);
    o.last_cut_dts = packet.dts;
    if (!written) return;
    if (!o.part_independent) o.part_independent = packet.kind != media::TrackKind::kVideo || packet.keyframe;
    if (!o.chunk_start_dts) o.chunk_start_dts = packet.dts;
    if (packet.dts + StepMargin() >= *o.chunk_start_dts + options_.part_target / 3) {
        auto so_far = writer_->FinishChunk();
        if (so_far.size() > o.part_so_far.size()) ++stats_.chunks;
        o.part_so_far = std::move(so_far);
        o.chunk_start_dts.reset();
    }
}

void HlsRendition::ClosePart(int64_t end_dts) {
    auto& o = *open_;
    SegmentPart part;
    part.start_dts = o.part_start_dts;
    part.duration = std::max<int64_t>(end_dts - o.part_start_dts, 0);
    part.independent = o.part_independent.value_or(false);
    part.data = writer_->FinishPart();
    if (part.data.size() > o.part_so_far.size()) ++stats_.chunks;  // the last chunk
    if (part.data.empty()) ++stats_.gap_parts;
    if (part.duration > options_.part_target) ++stats_.parts_over_target;
    ++stats_.parts;
    o.parts.push_back(std::move(part));
    o.part_start_dts = end_dts;
    o.part_independent.reset();
    o.part_so_far = {};
    o.chunk_start_dts.reset();
    ++version_;
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
    if (low_latency_) AddLowLatency(p, map);
    return p;
}

std::string HlsRendition::PartUri(uint64_t sequence, size_t part) const {
    return options_.uri_prefix + std::to_string(sequence) + "." + std::to_string(part) + "." +
           std::string(writer_->extension());
}

void HlsRendition::AddLowLatency(format::hls::MediaPlaylist& p, const std::string* last_map) const {
    const int64_t target = target_seconds_ * media::kTimescale;
    p.part_target = options_.part_target;
    p.server_control.can_block_reload = true;
    p.server_control.part_hold_back = 3 * options_.part_target;
    p.server_control.can_skip_until = 6 * target;
    // The parts of the open segment, then of the complete segments that end
    // within three target durations of the end (6.2.2).
    int64_t after = 0;  // duration from a segment's end to the playlist's end
    if (open_ && !open_->parts.empty()) {
        format::hls::MediaSegment m;
        m.discontinuity = open_->discontinuity;
        if (open_->wallclock_ms != 0) m.program_date_time_ms = open_->wallclock_ms;
        const auto& id = open_->tracks ? open_->tracks->init_id : std::string();
        if (!id.empty() && (last_map == nullptr || *last_map != id)) m.map_uri = options_.uri_prefix + "init-" + id + ".mp4";
        for (size_t k = 0; k < open_->parts.size(); ++k) {
            const SegmentPart& part = open_->parts[k];
            m.parts.push_back(PartModel(part.duration, PartUri(open_->sequence, k), part.independent, part.data.empty()));
            after += part.duration;
        }
        p.open_segment = std::move(m);
    }
    for (size_t i = window_.size(); i-- > 0;) {
        if (after > 3 * target) break;
        const CompleteSegment& s = window_[i];
        auto& parts = p.segments[i].parts;
        for (size_t k = 0; k < s.parts.size(); ++k) {
            const SegmentPart& part = s.parts[k];
            parts.push_back(PartModel(part.duration, PartUri(s.sequence, k), part.independent, part.data.empty()));
        }
        after += s.duration;
    }
    if (open_ && !ended_) {
        format::hls::PreloadHint hint;
        hint.type = format::hls::PreloadHintType::kPart;
        hint.uri = PartUri(open_->sequence, open_->parts.size());
        p.preload_hints.push_back(std::move(hint));
    }
    // EXT-X-SKIP (a delta update of this playlist) needs 9: the same version
    // for the full playlist keeps it from changing between reloads.
    p.version = std::max({p.version, 9, format::hls::RequiredVersion(p)});
}

std::optional<base::SharedBuffer> HlsRendition::Part(uint64_t sequence, uint32_t part) const {
    const std::vector<SegmentPart>* parts = nullptr;
    if (open_ && open_->sequence == sequence) parts = &open_->parts;
    for (const auto* list : {&window_, &grace_}) {
        for (const auto& s : *list) {
            if (s.sequence == sequence) parts = &s.parts;
        }
    }
    if (parts == nullptr || part >= parts->size() || (*parts)[part].data.empty()) return std::nullopt;
    return (*parts)[part].data;
}

std::optional<HlsRendition::OpenPart> HlsRendition::PartInProgress() const {
    if (!low_latency_ || !open_ || ended_) return std::nullopt;
    return OpenPart{open_->sequence, static_cast<uint32_t>(open_->parts.size()), open_->part_so_far};
}

std::optional<HlsRendition::PartPosition> HlsRendition::LastPart() const {
    if (open_ && !open_->parts.empty()) return PartPosition{open_->sequence, static_cast<uint32_t>(open_->parts.size() - 1)};
    if (window_.empty()) return std::nullopt;
    const auto& last = window_.back();
    if (last.parts.empty()) return PartPosition{last.sequence, std::nullopt};
    return PartPosition{last.sequence, static_cast<uint32_t>(last.parts.size() - 1)};
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
