// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>

#include "onair/media/packet.h"

namespace onair::format::mp4 {

/// Track ids by convention: one video and one audio track per recording.
inline constexpr uint32_t kVideoTrackId = 1;
inline constexpr uint32_t kAudioTrackId = 2;

/// One track of an init segment or a movie.
struct Track {
    uint32_t id = 0;
    /// Ticks per second of its decode times: 90000 for video (media's
    /// clock, no conversion), the sample rate for AAC (one tick per PCM
    /// sample, so a frame lasts exactly 1024).
    uint32_t timescale = 0;
    /// H.264 (written as avc1 + avcC) or AAC (mp4a + esds).
    media::CodecConfig config;
};

/// One sample (access unit) of a track fragment or a movie track, in the
/// track's timescale.
struct Sample {
    uint32_t duration = 0;
    uint32_t size = 0;
    int32_t composition_offset = 0;  // pts - dts
    bool sync = false;               // a random access point (IDR; every AAC frame)

    bool operator==(const Sample&) const = default;
};

}  // namespace onair::format::mp4
