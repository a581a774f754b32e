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
/// segments; a SegmentWriter only knows the container: MPEG-TS
/// (TsSegmentWriter) or fMP4/CMAF (Fmp4SegmentWriter, with an init segment
/// for EXT-X-MAP).
///
/// Call order: Configure() whenever the tracks change (between segments),
/// then for each segment Begin(), Write() per packet, optionally
/// FinishPart() between packets (LL-HLS partial segments), Finish().
///
/// Parts: FinishPart() closes a partial segment of the open segment and
/// returns the bytes written since the previous part (fMP4: its moof +
/// mdat fragments; MPEG-TS: the TS packets, the first part with the PAT
/// and PMT). Finish() closes what is left as a last part and returns the
/// whole segment, which is exactly its parts' bytes concatenated: every
/// part is a byte range of its segment (EXT-X-PART may list it with
/// BYTERANGE, and a player that fetched the parts has the segment). A
/// packager that lists parts calls FinishPart() before Finish() to have the
/// last part's bytes too (Finish() then adds nothing). fMP4 hands parts out
/// as slices of the segment's own storage (SegmentBuffer: no copy); MPEG-TS
/// as a copy of the range of the segment buffer they end.
///
/// Chunks (SupportsChunks(): fMP4): FinishChunk() closes the packets since
/// the previous chunk into one CMAF chunk (a moof + mdat) of the open part
/// and returns the open part's bytes so far. Bytes once returned never
/// change, so they are a prefix of the part FinishPart() returns: a server
/// can stream a part while it is being written.
///
/// Where parts and chunks are cut changes the bytes (fMP4: the
/// fragmentation; TS: the audio PES bundling), so for packagers to agree
/// the cut points must be deterministic, a function of the segment's own
/// packets in order, never of arrival time (HlsRendition's rule is in
/// hls_rendition.h). Without FinishPart() a segment is one part (one
/// fragment).
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
    /// Closes the open part (see above) and returns its bytes; empty if no
    /// packet was written since the previous part.
    virtual base::SharedBuffer FinishPart() = 0;
    /// Completes the open segment and returns its bytes (all its parts').
    virtual base::SharedBuffer Finish() = 0;
    /// Closes a chunk of the open part (see above) and returns the open
    /// part's bytes so far; {} for containers without chunks.
    virtual base::SharedBuffer FinishChunk() { return {}; }
    virtual bool SupportsChunks() const { return false; }

    /// The init segment for the current configs (EXT-X-MAP), for containers
    /// that have one (fMP4); std::nullopt for MPEG-TS, whose segments carry
    /// their PAT and PMT, or before Configure().
    virtual std::optional<base::SharedBuffer> InitSegment() const = 0;

    /// Bytes of the open segment so far.
    virtual size_t size() const = 0;
    /// File extension of the segments, without the dot ("ts", "m4s").
    virtual std::string_view extension() const = 0;
};

}  // namespace onair::packager
