// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "onair/base/result.h"
#include "onair/format/mp4/box_reader.h"
#include "onair/format/mp4/track.h"

namespace onair::format::mp4 {

/// Reads an init segment (ftyp + moov, or a moov alone) back into its
/// tracks: id (tkhd), timescale (mdhd) and the first sample description's
/// codec configuration, filled as the ingest fills it (avcC and its SPS's
/// width, height and codec string; AudioSpecificConfig and its sample
/// rate, channels and codec string). Tracks that are neither video nor
/// sound (text, metadata) are skipped.
///
/// kUnsupported for other codecs and avcC records whose NAL lengths are not
/// 4 bytes (media::Packet's framing); kInvalidData for a malformed box;
/// kLimitExceeded over kMaxInitSegmentBytes, kMaxTracks or kMaxBoxDepth.
base::Result<std::vector<Track>> ReadInitSegment(std::span<const uint8_t> bytes);

}  // namespace onair::format::mp4
