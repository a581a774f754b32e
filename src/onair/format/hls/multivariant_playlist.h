// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace onair::format::hls {

/// One EXT-X-STREAM-INF entry of a multivariant playlist (RFC 8216 4.3.4.2).
struct Variant {
    std::string uri;                 // relative to the multivariant playlist
    uint64_t bandwidth = 0;          // peak, bits/s (always written)
    uint64_t average_bandwidth = 0;  // bits/s; omitted when 0
    int width = 0;                   // RESOLUTION, omitted unless both > 0
    int height = 0;
    double frame_rate = 0;           // FRAME-RATE with 3 decimals; omitted when <= 0
    std::vector<std::string> codecs;  // RFC 6381 strings, joined by ','; empty ones skipped
};

struct MultivariantPlaylist {
    int version = 3;
    bool independent_segments = true;  // every variant's segments start with a keyframe
    std::vector<Variant> variants;
};

/// Writes the playlist text (lines end in "\n"). Characters a quoted
/// string or a URI line cannot hold (", CR, LF) are dropped.
std::string WriteMultivariantPlaylist(const MultivariantPlaylist& playlist);

}  // namespace onair::format::hls
