// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "onair/format/mp4/fragment_builder.h"
#include "onair/format/mp4/track.h"
#include "onair/packager/segment_buffer.h"
#include "onair/packager/segment_writer.h"

namespace onair::packager {

/// fMP4/CMAF segments (classic fMP4 HLS, and the parts of LL-HLS): an init
/// segment (ftyp + moov: avc1/avcC, mp4a/esds; format::mp4::WriteInitSegment)
/// for EXT-X-MAP, and per segment one moof + mdat per part or per chunk
/// of a part (format::mp4::FragmentBuilder), or one for the whole segment
/// when nothing is cut. The segment is written once into a SegmentBuffer;
/// parts, the open part's bytes so far and the segment are slices of it.
///
/// Deterministic: a segment's bytes are a function of its number, the
/// configs and its packets (and of where its parts were cut), so packagers
/// that started at different segments write the same bytes:
///  - decode times are absolute (origin 0): tfdt = round(DTS * timescale /
///    90000), video at 90 kHz, AAC at its sample rate; never a sum of
///    earlier durations;
///  - mfhd's sequence_number is 1 + sequence * kPartsPerSegment + the
///    fragment's index in its segment (one per part, or per chunk; mod
///    2^32; fragments past the limit keep the last index), so it increases
///    through the stream and is known from the segment number alone;
///  - a sample's duration is the step to the next sample of its track in
///    the fragment; the last sample's is the step before it in the same
///    fragment, else that of the previous part of the same segment, else a
///    default: 1024 samples for AAC, 1/30 s for video (a segment never
///    reads a frame duration from an earlier segment: an edge that starts
///    with this segment would not know it). tfdt, not these durations, is
///    what places the next fragment.
///
/// Config changes (ChangesTracks is true for any change, parameter sets
/// included: the avcC lives in the init segment) wait for a segment start;
/// each Configure makes a new init segment.
/// Not thread-safe.
class Fmp4SegmentWriter final : public SegmentWriter {
public:
    /// Fragments (parts or chunks) numbered within one segment's range of
    /// mfhd sequence numbers.
    static constexpr uint32_t kPartsPerSegment = 1000;

    Fmp4SegmentWriter() = default;

    base::Status Configure(const std::optional<media::CodecConfig>& video,
                           const std::optional<media::CodecConfig>& audio) override;
    bool ChangesTracks(const std::optional<media::CodecConfig>& video,
                       const std::optional<media::CodecConfig>& audio) const override;
    std::optional<base::SharedBuffer> InitSegment() const override { return init_; }
    void Begin(uint64_t sequence, bool discontinuity) override;
    base::Status Write(const media::Packet& packet) override;
    base::SharedBuffer FinishPart() override;
    base::SharedBuffer Finish() override;
    base::SharedBuffer FinishChunk() override;
    bool SupportsChunks() const override { return true; }
    size_t size() const override { return segment_.size() + pending_bytes_; }
    std::string_view extension() const override { return "m4s"; }

    /// mfhd's sequence_number of fragment `fragment` (0 the first, part or
    /// chunk) of segment `sequence`.
    static uint32_t FragmentNumber(uint64_t sequence, uint32_t fragment);

private:
    /// Cuts the packets since the last part into one fragment appended to
    /// segment_; false if there were none.
    bool CutFragment();

    bool configured_ = false;
    std::optional<media::CodecConfig> video_;
    std::optional<media::CodecConfig> audio_;
    std::vector<format::mp4::Track> tracks_;  // the configs that could be written
    std::optional<base::SharedBuffer> init_;

    // The open segment. A builder per segment: its last-duration memory
    // must not carry from one segment into the next.
    std::optional<format::mp4::FragmentBuilder> builder_;
    uint64_t sequence_ = 0;
    uint32_t fragment_ = 0;         // fragments cut in the open segment
    SegmentBuffer segment_;         // the fragments cut so far
    size_t part_start_ = 0;         // of the open part, in segment_
    size_t pending_bytes_ = 0;      // payload and trun bytes not cut yet
    size_t last_size_ = 0;          // to reserve the next segment's buffer
};

}  // namespace onair::packager
