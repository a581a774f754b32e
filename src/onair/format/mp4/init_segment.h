// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <span>

#include "onair/base/shared_buffer.h"
#include "onair/format/mp4/track.h"

namespace onair::format::mp4 {

/// The init segment of a fragmented MP4 (CMAF header; the EXT-X-MAP of an
/// fMP4 HLS playlist): ftyp (iso6, compatible iso6 cmfc isom mp41 avc1)
/// and a moov with mvhd, one trak per track (sample description, empty
/// sample tables) and mvex/trex, duration 0: the samples come in fragments.
base::SharedBuffer WriteInitSegment(std::span<const Track> tracks);

}  // namespace onair::format::mp4
