// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <optional>
#include <string_view>
#include <vector>

namespace onair::manager {

/// A file of the dashboard or the player page, embedded in the binary.
/// Every view points into static storage.
struct WebAsset {
    std::string_view content_type;  // "text/html; charset=utf-8", ...
    std::string_view bytes;
    std::string_view etag;           // quoted strong ETag: 304 when If-None-Match equals it
    std::string_view cache_control;  // "no-cache": the URLs are not versioned, revalidate
    std::string_view content_security_policy;  // pages only (empty for scripts, styles)
};

/// What GET <url_path> serves (the path without its query string), or none:
///   /dashboard, /dashboard/          the dashboard (a single page; views are #fragments)
///   /watch/<channel>, /watch/        the public player page (it reads the channel from its URL)
///   /assets/hls.min.js               hls.js from web/node_modules
///   /<path>                          web/<path> as is (/dashboard/app.js, /assets/style.css, ...)
/// A path ending in "/" serves that directory's index.html. Nothing else
/// matches: no ".." or file system access is involved.
std::optional<WebAsset> FindWebAsset(std::string_view url_path);

/// Every embedded file's URL path (web/<path> as "/<path>"), in build order.
std::vector<std::string_view> WebAssetPaths();

}  // namespace onair::manager
