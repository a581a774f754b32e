// SPDX-License-Identifier: Apache-2.0
#include "onair/manager/web_assets.h"

#include <string>

#include "onair/manager/web_asset_data.h"

namespace onair::manager {

namespace {

// Scripts, styles, media and workers from this origin only (hls.js runs its
// worker from a blob: URL and plays through MediaSource blob: URLs); the HLS
// itself may come from another node (playback_url), so http(s) for fetches
// and native playback. The player page may be embedded anywhere; the
// dashboard is never framed.
constexpr std::string_view kPageCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob: http: https:; connect-src 'self' http: https:; worker-src 'self' blob:; "
    "base-uri 'none'; form-action 'self'; object-src 'none'";

std::string_view DashboardCsp() {
    static const std::string csp = std::string(kPageCsp) + "; frame-ancestors 'none'";
    return csp;
}

std::string_view ContentType(std::string_view path) {
    struct Type {
        std::string_view ext, type;
    };
    static constexpr Type kTypes[] = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".svg", "image/svg+xml"}, {".png", "image/png"}, {".ico", "image/x-icon"},
        {".json", "application/json"}, {".map", "application/json"}, {".txt", "text/plain; charset=utf-8"},
        {".woff2", "font/woff2"}, {".webmanifest", "application/manifest+json"},
    };
    for (const auto& t : kTypes) {
        if (path.ends_with(t.ext)) return t.type;
    }
    return "application/octet-stream";
}

const detail::EmbeddedWebFile* Find(std::string_view url_path) {
    for (std::size_t i = 0; i < detail::kEmbeddedWebFileCount; ++i) {
        const auto* f = detail::kEmbeddedWebFiles[i];
        if (url_path == f->url_path) return f;
    }
    return nullptr;
}

// "/watch/<channel>": one segment of [a-z0-9_-] (a channel name never has a
// dot, so /watch/watch.js and the like stay files).
bool IsWatchPage(std::string_view path) {
    constexpr std::string_view kPrefix = "/watch/";
    if (!path.starts_with(kPrefix)) return false;
    const auto name = path.substr(kPrefix.size());
    if (name.empty() || name.size() > 64) return false;
    for (char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
    }
    return true;
}

WebAsset ToAsset(const detail::EmbeddedWebFile& f) {
    const std::string_view path = f.url_path;
    WebAsset a;
    a.content_type = ContentType(path);
    a.bytes = std::string_view(reinterpret_cast<const char*>(f.bytes), f.size);
    a.etag = f.etag;
    a.cache_control = "no-cache";
    if (path.ends_with(".html")) a.content_security_policy = path.starts_with("/dashboard/") ? DashboardCsp() : kPageCsp;
    return a;
}

}  // namespace

std::optional<WebAsset> FindWebAsset(std::string_view url_path) {
    if (url_path.empty() || url_path[0] != '/') return std::nullopt;
    const detail::EmbeddedWebFile* f = nullptr;
    if (IsWatchPage(url_path)) {
        f = Find("/watch/index.html");
    } else if (url_path.ends_with('/')) {
        f = Find(std::string(url_path) + "index.html");
    } else {
        f = Find(url_path);
        if (!f && url_path == "/dashboard") f = Find("/dashboard/index.html");
    }
    if (!f) return std::nullopt;
    return ToAsset(*f);
}

std::vector<std::string_view> WebAssetPaths() {
    std::vector<std::string_view> paths;
    paths.reserve(detail::kEmbeddedWebFileCount);
    for (std::size_t i = 0; i < detail::kEmbeddedWebFileCount; ++i) paths.emplace_back(detail::kEmbeddedWebFiles[i]->url_path);
    return paths;
}

}  // namespace onair::manager
