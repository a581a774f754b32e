// SPDX-License-Identifier: Apache-2.0
#include "onair/format/hls/media_playlist.h"

#include "onair/format/hls/date_time.h"
#include "onair/format/hls/playlist_text.h"

namespace onair::format::hls {

std::string WriteMediaPlaylist(const MediaPlaylist& playlist) {
    std::string out;
    out.reserve(128 + playlist.segments.size() * 80);
    out += "#EXTM3U\n#EXT-X-VERSION:" + std::to_string(playlist.version) + "\n";
    out += "#EXT-X-TARGETDURATION:" + std::to_string(playlist.target_duration_seconds) + "\n";
    out += "#EXT-X-MEDIA-SEQUENCE:" + std::to_string(playlist.media_sequence) + "\n";
    if (playlist.discontinuity_sequence > 0)
        out += "#EXT-X-DISCONTINUITY-SEQUENCE:" + std::to_string(playlist.discontinuity_sequence) + "\n";
    if (playlist.playlist_type)
        out += *playlist.playlist_type == PlaylistType::kVod ? "#EXT-X-PLAYLIST-TYPE:VOD\n" : "#EXT-X-PLAYLIST-TYPE:EVENT\n";
    if (playlist.independent_segments) out += "#EXT-X-INDEPENDENT-SEGMENTS\n";
    for (const auto& s : playlist.segments) {
        if (s.discontinuity) out += "#EXT-X-DISCONTINUITY\n";
        if (!s.map_uri.empty()) {
            out += "#EXT-X-MAP:URI=\"";
            AppendSanitized(out, s.map_uri);
            out += "\"\n";
        }
        if (s.program_date_time_ms) out += "#EXT-X-PROGRAM-DATE-TIME:" + FormatDateTime(*s.program_date_time_ms) + "\n";
        out += "#EXTINF:";
        const int64_t ms = TicksToRoundedMs(s.duration);
        if (playlist.version >= 3) {
            AppendMillis(out, ms);
        } else {
            out += std::to_string(ms / 1000 + (ms % 1000 >= 500 ? 1 : 0));
        }
        out += ",\n";
        AppendSanitized(out, s.uri);
        out += "\n";
    }
    if (playlist.ended) out += "#EXT-X-ENDLIST\n";
    return out;
}

}  // namespace onair::format::hls
