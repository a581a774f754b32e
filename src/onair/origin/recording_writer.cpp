// SPDX-License-Identifier: Apache-2.0
#include "onair/origin/recording_writer.h"

#include "onair/format/mp4/init_reader.h"
#include "onair/format/mp4/init_segment.h"
#include "onair/format/mp4/track.h"
#include "onair/origin/durable_file.h"

namespace onair::origin {

namespace {

using format::record::RecordType;

constexpr size_t kMaxHeaderFileBytes = 64 * 1024;
constexpr size_t kMaxJournalBytes = size_t{64} << 20;  // ~500k segments
constexpr size_t kMaxInitBytes = 1 << 20;

}  // namespace

RecordingWriter::RecordingWriter(std::filesystem::path dir, RecordingHeader header)
    : dir_(std::move(dir)), header_(std::move(header)) {}

base::Result<std::unique_ptr<RecordingWriter>> RecordingWriter::Create(std::filesystem::path dir, std::string id,
                                                                       std::string channel, std::string node,
                                                                       int64_t started_at_ms) {
    if (auto st = MakeDirectoryDurably(dir); !st.ok()) return st.error();
    RecordingHeader h;
    h.id = std::move(id);
    h.channel = std::move(channel);
    h.node = std::move(node);
    h.started_at_ms = started_at_ms;
    std::unique_ptr<RecordingWriter> w(new RecordingWriter(std::move(dir), std::move(h)));
    // An earlier run may have left a journal and fragments of this id with
    // no header (it died before the first init): start over.
    std::error_code ec;
    std::filesystem::remove(RecordingFiles::Journal(w->dir_), ec);
    if (auto st = WriteFileDurably(RecordingFiles::Header(w->dir_), HeaderToJson(w->header_)); !st.ok())
        return st.error();
    return w;
}

base::Result<std::unique_ptr<RecordingWriter>> RecordingWriter::Resume(std::filesystem::path dir) {
    auto text = ReadFileBounded(RecordingFiles::Header(dir), kMaxHeaderFileBytes);
    if (!text.ok()) return text.error();
    auto header = HeaderFromJson(text.value());
    if (!header.ok()) return header.error();
    std::unique_ptr<RecordingWriter> w(new RecordingWriter(std::move(dir), std::move(header.value())));
    if (w->header_.inits == 0) return w;  // nothing was written yet
    auto journal = ReadFileBounded(RecordingFiles::Journal(w->dir_), kMaxJournalBytes);
    if (journal.ok()) {
        w->segments_ = ParseSegmentJournal(journal.value());
    } else if (journal.error().code != base::ErrorCode::kNotFound) {
        return journal.error();
    }
    w->bytes_ = TotalsOf(w->segments_).bytes + RecordingFiles::InitBytes(w->dir_, w->header_.inits);
    auto init = ReadFileBounded(RecordingFiles::Init(w->dir_, w->header_.inits), kMaxInitBytes);
    if (!init.ok()) return init.error();
    const auto* bytes = reinterpret_cast<const uint8_t*>(init.value().data());
    auto tracks = format::mp4::ReadInitSegment(std::span<const uint8_t>(bytes, init.value().size()));
    if (!tracks.ok())
        return base::MakeError(base::ErrorCode::kInvalidData,
                               RecordingFiles::Init(w->dir_, w->header_.inits).string() + ": " + tracks.error().message);
    w->tracks_ = tracks.value();
    for (const auto& t : w->tracks_) {
        auto& slot = t.config.kind == media::TrackKind::kVideo ? w->init_video_ : w->init_audio_;
        slot = t.config;
    }
    w->video_ = w->init_video_;
    w->audio_ = w->init_audio_;
    if (!w->segments_.empty()) {
        w->durable_sequence_ = w->segments_.back().last_sequence;
        w->last_sequence_ = w->durable_sequence_;
    }
    return w;
}

base::Status RecordingWriter::SetState(RecordingState state, int64_t ended_at_ms, bool interrupted,
                                       std::string error) {
    header_.state = state;
    if (ended_at_ms > 0) header_.ended_at_ms = ended_at_ms;
    header_.interrupted = header_.interrupted || interrupted;
    if (!error.empty()) header_.error = std::move(error);
    return WriteFileDurably(RecordingFiles::Header(dir_), HeaderToJson(header_));
}

base::Result<RecordingWriter::Took> RecordingWriter::Add(const format::record::MediaRecord& record) {
    if (durable_sequence_ && record.sequence <= *durable_sequence_) return Took::kSkipped;  // on disk already
    bool wrote = false;
    if (last_sequence_ && record.sequence > *last_sequence_ + 1) {
        gaps_ += record.sequence - *last_sequence_ - 1;
        gap_pending_ = true;
        // What came before the gap is whole; what follows waits for the next
        // segment start (a decoder needs its keyframe).
        if (builder_) {
            if (auto st = CloseFragment(std::nullopt, primary_); !st.ok()) return st.error();
            wrote = true;
        }
    }
    last_sequence_ = record.sequence;

    switch (record.type) {
        case RecordType::kVideoConfig:
            video_ = record.config;
            return wrote ? Took::kWroteFragment : Took::kHeld;
        case RecordType::kAudioConfig:
            audio_ = record.config;
            return wrote ? Took::kWroteFragment : Took::kHeld;
        case RecordType::kPacket:
            break;
        default:
            return wrote ? Took::kWroteFragment : Took::kSkipped;
    }
    const media::Packet& p = record.packet;
    if (p.segment_start >= 0) {
        if (builder_) {
            if (auto st = CloseFragment(p.dts, p.kind); !st.ok()) return st.error();
            wrote = true;
        }
        if (auto st = StartFragment(p, record.wallclock_ms, gap_pending_); !st.ok()) return st.error();
        gap_pending_ = false;
    }
    if (!builder_) return wrote ? Took::kWroteFragment : Took::kSkipped;
    builder_->Add(p);
    open_.last_sequence = record.sequence;
    if (p.kind == primary_) {
        ++open_.frames;
        if (last_dts_) last_delta_ = p.dts - *last_dts_;
        last_dts_ = p.dts;
    }
    return wrote ? Took::kWroteFragment : Took::kHeld;
}

std::vector<format::mp4::Track> RecordingWriter::TracksFor() const {
    std::vector<format::mp4::Track> tracks;
    if (video_) tracks.push_back({format::mp4::kVideoTrackId, static_cast<uint32_t>(media::kTimescale), *video_});
    if (audio_ && audio_->sample_rate > 0)
        tracks.push_back({format::mp4::kAudioTrackId, static_cast<uint32_t>(audio_->sample_rate), *audio_});
    return tracks;
}

base::Status RecordingWriter::WriteInit() {
    auto tracks = TracksFor();
    const uint32_t k = header_.inits + 1;
    const base::SharedBuffer init = format::mp4::WriteInitSegment(tracks);
    if (auto st = WriteFileDurably(RecordingFiles::Init(dir_, k), std::span<const base::SharedBuffer>(&init, 1));
        !st.ok())
        return st;
    header_.inits = k;
    if (auto st = WriteFileDurably(RecordingFiles::Header(dir_), HeaderToJson(header_)); !st.ok()) return st;
    bytes_ += init.size();
    tracks_ = std::move(tracks);
    init_video_ = video_;
    init_audio_ = audio_;
    return {};
}

base::Status RecordingWriter::StartFragment(const media::Packet& p, int64_t wallclock_ms, bool gap) {
    const bool first = header_.inits == 0;
    if (first) {
        if (!video_ && !audio_) return {};  // no config yet: wait for a segment that has one
        header_.origin_dts = p.dts;
        header_.started_at_ms = wallclock_ms;
    }
    const bool new_init = first || video_ != init_video_ || audio_ != init_audio_;
    if (new_init) {
        if (auto st = WriteInit(); !st.ok()) return st;
    }
    primary_ = init_video_ ? media::TrackKind::kVideo : media::TrackKind::kAudio;
    builder_.emplace(tracks_, header_.origin_dts);
    open_ = SegmentEntry{};
    open_.number = p.segment_start;
    open_.init = header_.inits;
    open_.start = p.dts - header_.origin_dts;
    open_.wallclock_ms = wallclock_ms;
    open_.discontinuity = !segments_.empty() && (p.discontinuity || gap || new_init);
    last_dts_.reset();
    return {};
}

base::Status RecordingWriter::CloseFragment(std::optional<int64_t> next_dts, media::TrackKind next_kind) {
    if (!builder_) return {};
    const bool video_next = next_dts && next_kind == media::TrackKind::kVideo;
    const bool audio_next = next_dts && next_kind == media::TrackKind::kAudio;
    format::mp4::FragmentBytes bytes =
        builder_->Finish(static_cast<uint32_t>(open_.number + 1), video_next ? next_dts : std::nullopt,
                         audio_next ? next_dts : std::nullopt);
    builder_.reset();
    if (!last_dts_) return {};  // nothing of the primary track: nothing worth keeping
    int64_t end = *last_dts_ + (last_delta_ > 0 ? last_delta_ : media::kTimescale / 30);
    if (next_dts && next_kind == primary_ && *next_dts > *last_dts_) end = *next_dts;
    open_.duration = end - header_.origin_dts - open_.start;
    open_.bytes = bytes.size;
    std::vector<base::SharedBuffer> parts;
    parts.reserve(bytes.payloads.size() + 1);
    parts.push_back(std::move(bytes.header));
    for (auto& p : bytes.payloads) parts.push_back(std::move(p));
    if (auto st = WriteFileDurably(RecordingFiles::Fragment(dir_, open_.number), parts); !st.ok()) return st;
    if (auto st = AppendLineDurably(RecordingFiles::Journal(dir_), SegmentToJsonLine(open_)); !st.ok()) return st;
    segments_.push_back(open_);
    bytes_ += open_.bytes;
    durable_sequence_ = open_.last_sequence;
    return {};
}

base::Status RecordingWriter::Flush() { return CloseFragment(std::nullopt, primary_); }

}  // namespace onair::origin
