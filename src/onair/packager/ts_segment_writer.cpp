// SPDX-License-Identifier: Apache-2.0
#include "onair/packager/ts_segment_writer.h"

namespace onair::packager {

namespace {
std::optional<media::Codec> CodecOf(const std::optional<media::CodecConfig>& c) {
    if (!c) return std::nullopt;
    return c->codec;
}
}  // namespace

TsSegmentWriter::TsSegmentWriter(const format::mpegts::MuxerOptions& options) : muxer_(options) {}

base::Status TsSegmentWriter::Configure(const std::optional<media::CodecConfig>& video,
                                        const std::optional<media::CodecConfig>& audio) {
    configured_ = true;
    video_codec_ = CodecOf(video);
    audio_codec_ = CodecOf(audio);
    return muxer_.Configure(video, audio);
}

bool TsSegmentWriter::ChangesTracks(const std::optional<media::CodecConfig>& video,
                                    const std::optional<media::CodecConfig>& audio) const {
    return !configured_ || CodecOf(video) != video_codec_ || CodecOf(audio) != audio_codec_;
}

void TsSegmentWriter::Begin(uint64_t sequence, bool /*discontinuity*/) {
    // Every segment starts a new PCR time base and new continuity counters
    // already, so a discontinuity needs nothing more; new tracks come with
    // the PMT of Configure().
    buffer_.clear();
    buffer_.reserve(last_size_ + last_size_ / 8);
    part_start_ = 0;
    muxer_.BeginSegment(sequence, buffer_);
}

base::Status TsSegmentWriter::Write(const media::Packet& packet) { return muxer_.Write(packet, buffer_); }

base::SharedBuffer TsSegmentWriter::FinishPart() {
    muxer_.Flush(buffer_);
    // The segment is still growing: the part is a copy of its new bytes.
    auto out = base::SharedBuffer::Copy(std::span<const uint8_t>(buffer_).subspan(part_start_));
    part_start_ = buffer_.size();
    return out;
}

base::SharedBuffer TsSegmentWriter::Finish() {
    muxer_.Flush(buffer_);
    last_size_ = buffer_.size();
    auto out = base::SharedBuffer::Adopt(std::move(buffer_));
    buffer_ = std::vector<uint8_t>();
    return out;
}

}  // namespace onair::packager
