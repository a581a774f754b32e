// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "onair/server/http/http_types.h"

namespace onair::server::http {

/// Chooses a request's handler by path prefix, first registered first, and
/// says where it runs:
///   * inline: on the connection's IO thread, at once; for handlers that
///     never block (HLS playlists and segments, /healthz, /metrics). No
///     coroutine frame, no thread hop.
///   * blocking: on the HttpServer's worker pool (http.worker_threads) while
///     the connection's coroutine waits without holding its IO thread; for
///     handlers that call a database or anything else slow.
/// A prefix matches whole path segments: "/api" matches "/api" and
/// "/api/v1/...", not "/apis"; "/" (or "") matches every path. A path no
/// prefix matches is a 404.
class HttpDispatcher {
public:
    enum class Mode { kInline, kBlocking };
    struct Route {
        std::string prefix;
        HttpHandler handler;
        Mode mode = Mode::kInline;
    };

    HttpDispatcher& Handle(std::string prefix, HttpHandler handler);
    HttpDispatcher& HandleBlocking(std::string prefix, HttpHandler handler);

    /// The first route whose prefix matches `path`, or null.
    const Route* Find(std::string_view path) const;
    /// True if any route is blocking (the server then starts its worker pool).
    bool has_blocking() const;

private:
    std::vector<Route> routes_;
};

}  // namespace onair::server::http
