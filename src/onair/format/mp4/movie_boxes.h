// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "onair/format/mp4/box_writer.h"
#include "onair/media/packet.h"

namespace onair::format::mp4 {

/// The boxes an init segment and a progressive movie share: ftyp, mvhd and
/// a trak down to its sample descriptions. The sample tables that follow
/// the stsd differ (empty in an init segment) and come from the caller.

/// The movie timescale of mvhd and tkhd durations: milliseconds, as most
/// muxers write it.
inline constexpr uint32_t kMovieTimescale = 1000;

enum class Brand : uint8_t {
    kFragmented,   // iso6 / cmfc: an init segment of CMAF fragments
    kProgressive,  // isom: one file with every sample in its moov
};
void WriteFtyp(BoxWriter& w, Brand brand);

/// mvhd: `duration` in kMovieTimescale (0 for a fragmented movie).
void WriteMvhd(BoxWriter& w, uint64_t duration, uint32_t next_track_id);

/// One entry of an edit list (8.6.6), in the movie timescale for the
/// duration and the track's for the media time (-1: an empty edit).
struct Edit {
    uint64_t segment_duration = 0;
    int64_t media_time = 0;
};

struct TrakParams {
    uint32_t id = 0;
    uint32_t timescale = 0;
    uint64_t track_duration = 0;  // tkhd, movie timescale
    uint64_t media_duration = 0;  // mdhd, track timescale
    std::vector<Edit> edits;      // none: no edts
};

/// trak (tkhd, edts, mdia/mdhd/hdlr, minf/vmhd|smhd/dinf/stbl) with one
/// stsd entry per description (the first gives the kind and the size);
/// `sample_tables` writes the stbl's boxes after the stsd.
void WriteTrak(BoxWriter& w, const TrakParams& params, std::span<const media::CodecConfig> descriptions,
               const std::function<void(BoxWriter&)>& sample_tables);

}  // namespace onair::format::mp4
