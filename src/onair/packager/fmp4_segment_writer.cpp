// SPDX-License-Identifier: Apache-2.0
#include "onair/packager/fmp4_segment_writer.h"

#include <algorithm>
#include <string>

#include "onair/format/mp4/init_segment.h"

namespace onair::packager {

namespace {

// A trun entry (duration, size, flags, composition offset): what a sample
// adds to the moof.
constexpr size_t kTrunEntryBytes = 16;

base::Status Unwritable(const media::CodecConfig& c, const char* why) {
    return base::MakeError(base::ErrorCode::kUnsupported,
                           std::string("fmp4: ") + (c.kind == media::TrackKind::kVideo ? "video" : "audio") +
                               " track: " + why);
}

}  // namespace

uint32_t Fmp4SegmentWriter::FragmentNumber(uint64_t sequence, uint32_t fragment) {
    const uint64_t n = 1 + sequence * kPartsPerSegment + std::min(fragment, kPartsPerSegment - 1);
    return static_cast<uint32_t>(n);  // mod 2^32
}

base::Status Fmp4SegmentWriter::Configure(const std::optional<media::CodecConfig>& video,
                                          const std::optional<media::CodecConfig>& audio) {
    configured_ = true;
    video_ = video;
    audio_ = audio;
    tracks_.clear();
    base::Status status;
    if (video) {
        if (video->codec != media::Codec::kH264 || video->extradata.empty()) {
            status = Unwritable(*video, "not H.264 with an avcC");
        } else {
            tracks_.push_back({format::mp4::kVideoTrackId, static_cast<uint32_t>(media::kTimescale), *video});
        }
    }
    if (audio) {
        if (audio->codec != media::Codec::kAac || audio->extradata.empty() || audio->sample_rate <= 0) {
            status = Unwritable(*audio, "not AAC with an AudioSpecificConfig and a sample rate");
        } else {
            tracks_.push_back({format::mp4::kAudioTrackId, static_cast<uint32_t>(audio->sample_rate), *audio});
        }
    }
    if (tracks_.empty()) {
        init_.reset();
    } else {
        init_ = format::mp4::WriteInitSegment(tracks_);
    }
    return status;
}

bool Fmp4SegmentWriter::ChangesTracks(const std::optional<media::CodecConfig>& video,
                                      const std::optional<media::CodecConfig>& audio) const {
    return !configured_ || video != video_ || audio != audio_;
}

void Fmp4SegmentWriter::Begin(uint64_t sequence, bool /*discontinuity*/) {
    // Absolute decode times need nothing at a discontinuity: tfdt says
    // where each fragment starts.
    builder_.emplace(tracks_, /*origin_dts=*/0);
    sequence_ = sequence;
    fragment_ = 0;
    segment_.Reset(last_size_ + last_size_ / 8);
    part_start_ = 0;
    pending_bytes_ = 0;
}

base::Status Fmp4SegmentWriter::Write(const media::Packet& packet) {
    if (!builder_) return base::MakeError(base::ErrorCode::kInternal, "fmp4: Write before Begin");
    const bool has_track = std::any_of(tracks_.begin(), tracks_.end(), [&](const format::mp4::Track& t) {
        return t.config.kind == packet.kind;
    });
    if (!has_track) return base::MakeError(base::ErrorCode::kInvalidData, "fmp4: no track for this packet");
    if (packet.payload.size() > UINT32_MAX) return base::MakeError(base::ErrorCode::kLimitExceeded, "fmp4: sample too large");
    builder_->Add(packet);
    pending_bytes_ += packet.payload.size() + kTrunEntryBytes;
    return {};
}

bool Fmp4SegmentWriter::CutFragment() {
    if (!builder_ || builder_->empty()) return false;
    const format::mp4::FragmentBytes f = builder_->Finish(FragmentNumber(sequence_, fragment_), std::nullopt, std::nullopt);
    ++fragment_;
    segment_.Append(f.header.span());
    for (const auto& p : f.payloads) segment_.Append(p.span());
    pending_bytes_ = 0;
    return true;
}

base::SharedBuffer Fmp4SegmentWriter::FinishChunk() {
    (void)CutFragment();
    return segment_.Slice(part_start_);
}

base::SharedBuffer Fmp4SegmentWriter::FinishPart() {
    (void)CutFragment();
    // A slice of the segment's storage: bytes once written never change.
    auto part = segment_.Slice(part_start_);
    part_start_ = segment_.size();
    return part;
}

base::SharedBuffer Fmp4SegmentWriter::Finish() {
    (void)CutFragment();
    builder_.reset();
    last_size_ = segment_.size();
    auto out = segment_.Slice(0);
    segment_.Reset(0);
    part_start_ = 0;
    pending_bytes_ = 0;
    return out;
}

}  // namespace onair::packager
