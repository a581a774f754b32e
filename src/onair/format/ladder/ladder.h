// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "onair/base/result.h"

namespace onair::format::ladder {

/// One rung of an ABR ladder: a lower quality made from the source. The
/// source itself is always offered as it was published ("src"); a ladder
/// lists only what is transcoded. The JSON form is in docs/TRANSCODING.md.
struct RenditionSpec {
    std::string name;        // [a-z0-9_-], 1..32 bytes, not "src": the URL path segment
    int height = 0;          // output height, even, 64..4320
    int video_kbps = 0;      // target (average) video bitrate, 50..50000
    /// The VBV cap (maxrate); 0: 1.1 x video_kbps. The buffer is one second
    /// of it, which keeps a 2-second segment close to its average.
    int max_kbps = 0;
    std::string profile = "main";  // H.264 profile: baseline, main or high
    /// Frame rate cap; 0: the source's. A source above it is thinned to
    /// at most this rate (every other frame of 60 for 30).
    int max_fps = 0;
};

struct Ladder {
    std::vector<RenditionSpec> renditions;  // the order is the importance: first is kept longest
};

inline constexpr size_t kMaxRenditions = 8;
inline constexpr size_t kMaxLadderJsonBytes = 16 * 1024;

/// The built-in ladder: 720p (2800 kbit/s, high), 480p (1400, main),
/// 360p (800, main), each only where the source is taller.
Ladder DefaultLadder();

/// Parses and checks a ladder: a JSON array of objects
/// `{"name":"720p","height":720,"video_kbps":2800,"max_kbps":3080,"profile":"high","max_fps":30}`
/// (name, height and video_kbps required). An error names the rendition
/// and the field; unknown fields are refused (a typo must not pass unseen).
base::Result<Ladder> ParseLadder(std::string_view json);
/// The JSON array ParseLadder reads (every field written).
std::string WriteLadder(const Ladder& ladder);

/// What to make of a `source_width` x `source_height` source: the ladder's
/// renditions shorter than the source (never upscaled, and never one the
/// source's own height), each with its width from the source's aspect
/// ratio (even), in the ladder's order.
struct PlannedRendition {
    RenditionSpec spec;
    int width = 0;
    int height = 0;
};
std::vector<PlannedRendition> PlanLadder(const Ladder& ladder, int source_width, int source_height);

}  // namespace onair::format::ladder
