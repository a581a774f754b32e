// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "onair/base/shared_buffer.h"
#include "onair/format/mp4/track.h"
#include "onair/media/packet.h"

namespace onair::format::mp4 {

/// A run of consecutive samples of one track stored contiguously in the
/// mdat, all with the same sample description.
struct Chunk {
    uint32_t first_sample = 0;  // 0-based index into MovieTrack::samples
    uint32_t sample_count = 0;
    uint64_t offset_in_mdat = 0;     // of its first byte, from the start of the mdat's payload
    uint32_t description_index = 1;  // 1-based, into MovieTrack::descriptions
};

/// One track of a progressive movie: every sample in decode order, and the
/// chunks that cover them in order.
struct MovieTrack {
    uint32_t id = 0;
    uint32_t timescale = 0;
    /// Sample descriptions (stsd entries); a codec change mid-recording is
    /// a second one. The first gives the track's kind and size.
    std::vector<media::CodecConfig> descriptions;
    std::vector<Sample> samples;
    std::vector<Chunk> chunks;
    /// When the track's first sample is presented later than the movie's
    /// start (audio that began after video), in the track timescale: an
    /// empty edit keeps the tracks in sync.
    uint64_t start_offset = 0;
};

/// A progressive MP4 with its moov in front (faststart): ftyp + moov + the
/// mdat box header (a 64-bit largesize when the payload needs it). The
/// caller appends exactly `mdat_payload_size` bytes of samples after it,
/// laid out as the chunks say.
///
/// Per track: stsd, stts, ctts (when any composition offset is not 0;
/// version 1 when one is negative), stss (video), stsc, stsz, and stco, or
/// co64 when an offset passes 4 GiB. An edit list starts the presentation
/// at 0 when the earliest composition time is not 0 (B-frames), and
/// tkhd/mdhd/mvhd durations are the samples' total.
base::SharedBuffer WriteMovieHeader(std::span<const MovieTrack> tracks, uint64_t mdat_payload_size);

}  // namespace onair::format::mp4
