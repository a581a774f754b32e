// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "onair/server/http/http_types.h"

namespace onair::server::http {

/// A handler that waits for something without holding a thread: a
/// coroutine run on the connection's IO thread (the edge's pull-through
/// cache waiting for its upstream). It must not block either.
using AsyncHttpHandler = std::function<boost::asio::awaitable<HttpResponse>(const HttpRequest&)>;

/// How HttpDispatcher::HandleAsync runs a handler (see there).
struct AsyncRouteOptions {
    bool cancel_when_client_closes = false;
};

/// Chooses a request's handler by path prefix, first registered first, and
/// says where it runs:
///   * inline: on the connection's IO thread, at once; for handlers that
///     never block (HLS playlists and segments, /healthz, /metrics). No
///     coroutine frame, no thread hop.
///   * blocking: on the HttpServer's worker pool (http.worker_threads) while
///     the connection's coroutine waits without holding its IO thread; for
///     handlers that call a database or anything else slow.
///   * async: a coroutine on the connection's IO thread, co_awaited; for
///     handlers that wait on the network (AsyncHttpHandler) or for a change
///     (ChangeNotifier). With AsyncOptions::cancel_when_client_closes the
///     session watches the connection meanwhile: when the client closes it
///     (or resets it), the handler's pending operation is cancelled (asio
///     per-operation cancellation, terminal), the connection closed and
///     the request logged as 499. Only for handlers that stay consistent
///     when cancelled at any co_await (a ChangeNotifier wait is; the
///     pull-through cache's fetch, which others wait for, is not).
///   * inline, else async: the inline handler answers what it can at once;
///     a response with `defer` set hands the request to the async handler
///     (with its AsyncOptions). For routes where almost every request is
///     answered at once and a few wait (LL-HLS: segments and parts at once,
///     a blocking playlist reload or a part not yet begun waits): no
///     coroutine frame and no watch for the many.
/// A prefix matches whole path segments: "/api" matches "/api" and
/// "/api/v1/...", not "/apis"; "/" (or "") matches every path. A path no
/// prefix matches is a 404.
class HttpDispatcher {
public:
    enum class Mode { kInline, kBlocking, kAsync, kInlineOrAsync };
    using AsyncOptions = AsyncRouteOptions;
    struct Route {
        std::string prefix;
        HttpHandler handler;  // kInline, kBlocking, kInlineOrAsync
        Mode mode = Mode::kInline;
        AsyncHttpHandler async_handler;  // kAsync, kInlineOrAsync
        AsyncOptions async_options;      // kAsync, kInlineOrAsync
    };

    HttpDispatcher& Handle(std::string prefix, HttpHandler handler);
    HttpDispatcher& HandleBlocking(std::string prefix, HttpHandler handler);
    HttpDispatcher& HandleAsync(std::string prefix, AsyncHttpHandler handler, AsyncOptions options = {});
    HttpDispatcher& HandleInlineOrAsync(std::string prefix, HttpHandler handler, AsyncHttpHandler async_handler,
                                        AsyncOptions options = {});

    /// The first route whose prefix matches `path`, or null.
    const Route* Find(std::string_view path) const;
    /// True if any route is blocking (the server then starts its worker pool).
    bool has_blocking() const;

private:
    std::vector<Route> routes_;
};

}  // namespace onair::server::http
