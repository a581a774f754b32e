// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <vector>

#include "onair/format/mpegts/muxer.h"
#include "onair/packager/segment_writer.h"

namespace onair::packager {

/// MPEG-TS segments: each starts with a PAT and a PMT, so it decodes on its
/// own, and is muxed as a function of its number, the configs and its
/// packets alone (format::mpegts::Muxer::BeginSegment: continuity counters
/// and the PCR restart, behind a discontinuity_indicator), so consecutive
/// segments still concatenate into one stream that readers accept.
/// Parts (FinishPart) are the TS packets since the previous part, the
/// pending audio PES written first, so a part never holds half a PES (a
/// first part cut before any packet is the PAT and PMT alone).
class TsSegmentWriter final : public SegmentWriter {
public:
    explicit TsSegmentWriter(const format::mpegts::MuxerOptions& options = {});

    base::Status Configure(const std::optional<media::CodecConfig>& video,
                           const std::optional<media::CodecConfig>& audio) override;
    bool ChangesTracks(const std::optional<media::CodecConfig>& video,
                       const std::optional<media::CodecConfig>& audio) const override;
    void Begin(uint64_t sequence, bool discontinuity) override;
    base::Status Write(const media::Packet& packet) override;
    base::SharedBuffer FinishPart() override;
    base::SharedBuffer Finish() override;
    std::optional<base::SharedBuffer> InitSegment() const override { return std::nullopt; }
    size_t size() const override { return buffer_.size(); }
    std::string_view extension() const override { return "ts"; }

private:
    format::mpegts::Muxer muxer_;
    bool configured_ = false;
    std::optional<media::Codec> video_codec_;
    std::optional<media::Codec> audio_codec_;
    std::vector<uint8_t> buffer_;
    size_t part_start_ = 0;  // of the open part, in buffer_
    size_t last_size_ = 0;   // to reserve the next segment's buffer
};

}  // namespace onair::packager
