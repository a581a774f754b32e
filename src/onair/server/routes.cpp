// SPDX-License-Identifier: Apache-2.0
#include "onair/server/routes.h"

#include "onair/server/health_routes.h"

#include <charconv>

namespace onair::server {

namespace {

constexpr std::string_view kPlaylistType = "application/vnd.apple.mpegurl";

bool ValidName(std::string_view s) {
    if (s.empty() || s.size() > 64) return false;
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

// Splits "/a/b/c" into up to 4 parts; false if more or empty parts.
bool SplitPath(std::string_view path, std::string_view (&parts)[4], size_t& count) {
    count = 0;
    if (path.empty() || path[0] != '/') return false;
    path.remove_prefix(1);
    while (!path.empty()) {
        if (count == 4) return false;
        const auto slash = path.find('/');
        parts[count++] = path.substr(0, slash);
        if (parts[count - 1].empty()) return false;
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return count > 0;
}

http::HttpResponse NotFound() { return http::HttpResponse::NotFound(); }

/// Edges write byte-identical playlists and segments for the same records,
/// so a validator made from the bytes (playlists) or from the segment's
/// name and size holds across every edge behind the load balancer: a
/// player's or a cache's If-None-Match is answered 304 by any of them.
http::HttpResponse Playlist(const hls::HlsChannel::PlaylistRef& playlist, int max_age_s) {
    if (!playlist) return NotFound();
    http::HttpResponse r;
    r.content_type = std::string(kPlaylistType);
    r.cache_control = "max-age=" + std::to_string(max_age_s);
    r.etag = playlist->etag;
    r.body = playlist->text;  // shared: written once per playlist version
    return r;
}

/// A segment or init segment: never changes under its name.
http::HttpResponse Immutable(std::string_view content_type, std::string etag, base::SharedBuffer body) {
    http::HttpResponse r;
    r.content_type = std::string(content_type);
    r.cache_control = "public, max-age=31536000, immutable";
    r.etag = std::move(etag);
    r.body = std::move(body);
    return r;
}

}  // namespace

http::HttpHandler MakeRoutes(const runtime::Config& config, runtime::Metrics& metrics, hls::HlsService& hls) {
    // Playlists may be cached for at most half a target duration.
    const int playlist_max_age = std::max(1, static_cast<int>(config.hls.segment_duration_ms / 2000));
    auto health = MakeHealthRoutes(metrics);
    return [app = config.rtmp.app, &hls, playlist_max_age, health](const http::HttpRequest& req) -> http::HttpResponse {
        if (req.verb == http::HttpMethod::kOptions) {
            http::HttpResponse r;
            r.status = 204;
            r.headers = {{"Access-Control-Allow-Methods", "GET, HEAD, OPTIONS"},
                         {"Access-Control-Allow-Headers", "Range, If-None-Match"},
                         {"Access-Control-Max-Age", "86400"}};
            return r;
        }
        if (req.verb != http::HttpMethod::kGet && req.verb != http::HttpMethod::kHead) {
            auto r = http::HttpResponse::Text(405, "method not allowed\n");
            r.headers = {{"Allow", "GET, HEAD, OPTIONS"}};
            return r;
        }
        if (req.path == "/healthz" || req.path == "/metrics") return health(req);
        std::string_view parts[4];
        size_t n = 0;
        if (!SplitPath(req.path, parts, n) || n < 3 || parts[0] != app) return NotFound();
        if (!ValidName(parts[1])) return NotFound();
        auto channel = hls.Find(parts[1]);
        if (!channel) return NotFound();
        if (n == 3 && parts[2] == "index.m3u8") {
            return Playlist(channel->MultivariantPlaylistText(), playlist_max_age);
        }
        if (n != 4 || !ValidName(parts[2])) return NotFound();
        if (parts[3] == "index.m3u8") {
            return Playlist(channel->MediaPlaylistText(parts[2]), playlist_max_age);
        }
        // "<broadcast id>-<sequence>.<ts|m4s>", and for fMP4 the init
        // segments "<broadcast id>-init-<id>.mp4": a file of an earlier
        // broadcast of this channel is a 404, never another broadcast's bytes.
        std::string_view file = parts[3];
        const std::string& prefix = channel->segment_prefix();
        if (file.size() <= prefix.size() || file.substr(0, prefix.size()) != prefix) return NotFound();
        file.remove_prefix(prefix.size());
        constexpr std::string_view kInit = "init-", kMp4 = ".mp4";
        if (file.starts_with(kInit) && file.ends_with(kMp4)) {
            const auto id = file.substr(kInit.size(), file.size() - kInit.size() - kMp4.size());
            auto init = channel->InitSegment(parts[2], id);
            if (!init) return NotFound();
            // The id is a hash of the bytes: a validator on every edge.
            return Immutable("video/mp4", "\"" + prefix + "init-" + std::string(id) + "\"", std::move(*init));
        }
        const std::string_view ext = channel->segment_extension();
        if (file.size() < ext.size() + 2 || file[file.size() - ext.size() - 1] != '.' || !file.ends_with(ext))
            return NotFound();
        uint64_t seq = 0;
        const auto digits = file.substr(0, file.size() - ext.size() - 1);
        auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
        if (ec != std::errc() || ptr != digits.data() + digits.size()) return NotFound();
        auto segment = channel->Segment(parts[2], seq);
        if (!segment) return NotFound();
        // fMP4 media segments as video/mp4 (what hls.js, Safari and
        // ExoPlayer take; RFC 8216 names no type for them).
        const size_t size = segment->size();
        return Immutable(ext == "ts" ? "video/mp2t" : "video/mp4",
                         "\"" + prefix + std::to_string(seq) + "-" + std::to_string(size) + "\"", std::move(*segment));
    };
}

}  // namespace onair::server
