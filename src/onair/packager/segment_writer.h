// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "onair/base/result.h"
#include "onair/base/shared_buffer.h"
#include "onair/media/packet.h"

namespace onair::packager {

/// Turns the packets of one segment into the bytes of one media segment,
/// whatever the container: HlsRendition cuts, numbers, windows and lists
/// segments; a SegmentWriter only knows the container. Today MPEG-TS
/// (TsSegmentWriter); an fMP4/CMAF writer (with an init segment for
/// EXT-X-MAP) and LL-HLS partial segments (a FinishPart() returning the
/// bytes so far) fit behind the same calls.
///
/// Call order: Configure() whenever the tracks change (between segments),
/// then for each segment Begin(), Write() per packet, Finish().
class SegmentWriter {
public:
    virtual ~SegmentWriter() = default;

    /// The tracks of the next segments. An error names a track that cannot
    /// be written (its packets will then be refused); the others still are.
    virtual base::Status Configure(const std::optional<media::CodecConfig>& video,
                                   const std::optional<media::CodecConfig>& audio) = 0;
    /// True if Configure() with these configs would change the container's
    /// track layout (so it must wait for a segment boundary) rather than
    /// only parameter sets.
    virtual bool ChangesTracks(const std::optional<media::CodecConfig>& video,
                               const std::optional<media::CodecConfig>& audio) const = 0;

    /// Starts segment number `sequence` (the stamped media sequence number).
    /// `discontinuity`: timestamps or configs may have changed since the
    /// previous segment. A segment's bytes must depend only on these, the
    /// configs and its packets, never on the segments written before it, so
    /// that packagers that started at different segments agree byte for byte.
    virtual void Begin(uint64_t sequence, bool discontinuity) = 0;
    /// Adds one packet to the open segment. An error means the packet was
    /// not written (the segment is still valid).
    virtual base::Status Write(const media::Packet& packet) = 0;
    /// Completes the open segment and returns its bytes.
    virtual base::SharedBuffer Finish() = 0;

    /// Bytes of the open segment so far.
    virtual size_t size() const = 0;
    /// File extension of the segments, without the dot ("ts", "m4s").
    virtual std::string_view extension() const = 0;
};

}  // namespace onair::packager
