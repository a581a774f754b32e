// SPDX-License-Identifier: Apache-2.0
#include "onair/format/hls/multivariant_playlist.h"

#include <cmath>

#include "onair/format/hls/playlist_text.h"

namespace onair::format::hls {

std::string WriteMultivariantPlaylist(const MultivariantPlaylist& playlist) {
    std::string out = "#EXTM3U\n#EXT-X-VERSION:" + std::to_string(playlist.version) + "\n";
    if (playlist.independent_segments) out += "#EXT-X-INDEPENDENT-SEGMENTS\n";
    for (const auto& v : playlist.variants) {
        out += "#EXT-X-STREAM-INF:BANDWIDTH=" + std::to_string(v.bandwidth);
        if (v.average_bandwidth > 0) out += ",AVERAGE-BANDWIDTH=" + std::to_string(v.average_bandwidth);
        if (v.width > 0 && v.height > 0) out += ",RESOLUTION=" + std::to_string(v.width) + "x" + std::to_string(v.height);
        // NaN and infinities fail the range check.
        if (v.frame_rate > 0 && v.frame_rate < 1e6) {
            out += ",FRAME-RATE=";
            AppendMillis(out, std::llround(v.frame_rate * 1000.0));
        }
        std::string codecs;
        for (const auto& c : v.codecs) {
            if (c.empty()) continue;
            if (!codecs.empty()) codecs.push_back(',');
            AppendSanitized(codecs, c);
        }
        if (!codecs.empty()) out += ",CODECS=\"" + codecs + "\"";
        out += "\n";
        AppendSanitized(out, v.uri);
        out += "\n";
    }
    return out;
}

}  // namespace onair::format::hls
