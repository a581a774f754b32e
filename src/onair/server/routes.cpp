// SPDX-License-Identifier: Apache-2.0
#include "onair/server/routes.h"

#include "onair/format/hls/delivery_directives.h"
#include "onair/server/health_routes.h"

#include <boost/asio/awaitable.hpp>
#include <charconv>
#include <chrono>
#include <memory>

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

namespace {

/// How the HLS routes answer.
struct HlsRouteSettings {
    std::string app;
    int playlist_max_age = 1;  // s: at most half a target duration
    int blocking_max_age = 6;  // s: a blocking reload's answer (its URL names what it holds)
    std::chrono::milliseconds block_timeout{6000};  // 3 target durations (then 503)
};

http::HttpResponse ServiceUnavailable(std::string_view why) {
    auto r = http::HttpResponse::Text(503, why);
    r.cache_control = "no-store";
    r.headers = {{"Retry-After", "1"}};
    return r;
}

/// One request under /<app>/: answered at once, or (LL-HLS: a blocking
/// reload whose part is not there yet, a part just ahead of the one in
/// progress) `defer`red for WaitAndAnswer.
http::HttpResponse AnswerHls(const HlsRouteSettings& c, hls::HlsService& hls, const http::HttpRequest& req) {
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
    std::string_view parts[4];
    size_t n = 0;
    if (!SplitPath(req.path, parts, n) || n < 3 || parts[0] != c.app) return NotFound();
    if (!ValidName(parts[1])) return NotFound();
    auto channel = hls.Find(parts[1]);
    if (!channel) return NotFound();
    if (n == 3 && parts[2] == "index.m3u8") return Playlist(channel->MultivariantPlaylistText(), c.playlist_max_age);
    if (n != 4 || !ValidName(parts[2])) return NotFound();
    const std::string_view rendition = parts[2];
    if (parts[3] == "index.m3u8") {
        if (!channel->low_latency()) return Playlist(channel->MediaPlaylistText(rendition), c.playlist_max_age);
        // LL-HLS delivery directives (6.2.5): _HLS_msn / _HLS_part block
        // until the playlist holds that part; _HLS_skip asks for the delta.
        auto directives = format::hls::ParseDeliveryDirectives(req.query);
        if (!directives.ok()) {
            auto r = http::HttpResponse::Text(400, directives.error().message + "\n");
            r.cache_control = "no-store";
            return r;
        }
        const bool delta = directives->skip != format::hls::SkipRequest::kNone;
        if (!directives->Blocking())
            return Playlist(channel->MediaPlaylistText(rendition, delta), c.playlist_max_age);
        const auto answer = channel->Blocking(rendition, *directives);
        if (!answer) return NotFound();
        switch (*answer) {
            case format::hls::BlockingAnswer::kReady:
                return Playlist(channel->MediaPlaylistText(rendition, delta), c.blocking_max_age);
            case format::hls::BlockingAnswer::kTooFar: {
                auto r = http::HttpResponse::Text(400, "_HLS_msn/_HLS_part too far beyond the live edge\n");
                r.cache_control = "no-store";
                return r;
            }
            case format::hls::BlockingAnswer::kWait: {
                http::HttpResponse r;
                r.defer = true;
                return r;
            }
        }
    }
    // "<broadcast id>-<sequence>.<ts|m4s>", for LL-HLS its parts
    // "<broadcast id>-<sequence>.<part>.m4s", and for fMP4 the init
    // segments "<broadcast id>-init-<id>.mp4": a file of an earlier
    // broadcast of this channel is a 404, never another broadcast's bytes.
    std::string_view file = parts[3];
    const std::string& prefix = channel->segment_prefix();
    if (file.size() <= prefix.size() || file.substr(0, prefix.size()) != prefix) return NotFound();
    file.remove_prefix(prefix.size());
    constexpr std::string_view kInit = "init-", kMp4 = ".mp4";
    if (file.starts_with(kInit) && file.ends_with(kMp4)) {
        const auto id = file.substr(kInit.size(), file.size() - kInit.size() - kMp4.size());
        auto init = channel->InitSegment(rendition, id);
        if (!init) return NotFound();
        // The id is a hash of the bytes: a validator on every edge.
        return Immutable("video/mp4", "\"" + prefix + "init-" + std::string(id) + "\"", std::move(*init));
    }
    const std::string_view ext = channel->segment_extension();
    if (file.size() < ext.size() + 2 || file[file.size() - ext.size() - 1] != '.' || !file.ends_with(ext))
        return NotFound();
    const auto stem = file.substr(0, file.size() - ext.size() - 1);
    const size_t dot = stem.find('.');
    uint64_t seq = 0;
    const auto digits = stem.substr(0, dot);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || digits.empty()) return NotFound();
    if (dot != std::string_view::npos) {
        // A part: complete, being written (streamed as it is), or just ahead.
        const auto index_digits = stem.substr(dot + 1);
        uint32_t index = 0;
        auto [iptr, iec] = std::from_chars(index_digits.data(), index_digits.data() + index_digits.size(), index);
        if (iec != std::errc() || iptr != index_digits.data() + index_digits.size() || index_digits.empty())
            return NotFound();
        auto part = channel->FindPart(rendition, seq, index);
        using Kind = hls::HlsChannel::PartAnswer::Kind;
        switch (part.kind) {
            case Kind::kComplete: {
                const size_t size = part.bytes.size();
                return Immutable("video/mp4", "\"" + prefix + std::string(stem) + "-" + std::to_string(size) + "\"",
                                 std::move(part.bytes));
            }
            case Kind::kInProgress: {
                auto r = http::HttpResponse::Stream(std::move(part.stream), "video/mp4");
                r.cache_control = "public, max-age=31536000, immutable";
                return r;
            }
            case Kind::kAhead: {
                http::HttpResponse r;
                r.defer = true;
                return r;
            }
            case Kind::kNone:
                return NotFound();
        }
    }
    auto segment = channel->Segment(rendition, seq);
    if (!segment) return NotFound();
    // fMP4 media segments as video/mp4 (what hls.js, Safari and
    // ExoPlayer take; RFC 8216 names no type for them).
    const size_t size = segment->size();
    return Immutable(ext == "ts" ? "video/mp2t" : "video/mp4",
                     "\"" + prefix + std::to_string(seq) + "-" + std::to_string(size) + "\"", std::move(*segment));
}

/// A deferred request: waits (without a thread) for its channel to change
/// and asks again, until it is answered or the blocking timeout (then 503,
/// as 6.2.5.2 says for a part that does not come within three target
/// durations). Cancelled when the client goes away.
boost::asio::awaitable<http::HttpResponse> WaitAndAnswer(const HlsRouteSettings& c, hls::HlsService& hls,
                                                        const http::HttpRequest& req) {
    const auto deadline = std::chrono::steady_clock::now() + c.block_timeout;
    for (;;) {
        std::shared_ptr<hls::HlsChannel> channel;
        // The version before the check: a change between the check and the
        // wait is not missed.
        std::string_view parts[4];
        size_t n = 0;
        if (SplitPath(req.path, parts, n) && n >= 2) channel = hls.Find(parts[1]);
        if (!channel) co_return NotFound();
        const uint64_t seen = channel->changes().version();
        http::HttpResponse r = AnswerHls(c, hls, req);
        if (!r.defer) co_return r;
        const auto waited = co_await channel->changes().WaitChange(seen, deadline);
        using Wait = http::ChangeNotifier::Wait;
        if (waited == Wait::kBusy) co_return ServiceUnavailable("too many waiting requests\n");
        if (waited == Wait::kTimedOut) co_return ServiceUnavailable("not available within three target durations\n");
        if (waited == Wait::kCancelled) co_return ServiceUnavailable("cancelled\n");
    }
}

}  // namespace

void AddHlsRoutes(http::HttpDispatcher& routes, const runtime::Config& config, runtime::Metrics& metrics,
                  hls::HlsService& hls) {
    auto settings = std::make_shared<HlsRouteSettings>();
    settings->app = config.rtmp.app;
    const uint32_t target_ms = config.hls.segment_duration_ms;
    settings->playlist_max_age = std::max(1, static_cast<int>(target_ms / 2000));
    settings->blocking_max_age = std::max(1, static_cast<int>(3 * target_ms / 1000));
    settings->block_timeout = std::chrono::milliseconds(std::max<uint32_t>(3 * target_ms, 1000));
    routes.HandleInlineOrAsync(
        "/" + config.rtmp.app,
        [settings, &hls](const http::HttpRequest& req) { return AnswerHls(*settings, hls, req); },
        [settings, &hls](const http::HttpRequest& req) { return WaitAndAnswer(*settings, hls, req); },
        http::AsyncRouteOptions{.cancel_when_client_closes = true});
    routes.Handle("/", MakeHealthRoutes(metrics));
}

}  // namespace onair::server
