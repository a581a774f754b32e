// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>

#include "onair/base/result.h"
#include "onair/runtime/config.h"
#include "onair/runtime/endpoint.h"
#include "onair/runtime/io_pool.h"
#include "onair/server/http/http_dispatcher.h"
#include "onair/server/http/http_session.h"
#include "onair/server/server_context.h"

namespace onair::server::http {

/// HTTP/1.1 server (Boost.Beast, one coroutine per connection): keep-alive,
/// request bodies, header (431) and body (413) limits, the idle timeout for
/// the wait for a request's header and again for its body, CORS on every
/// response, HEAD answered without a body, bodies from memory, streamed
/// from an open file or sent chunked as they are written (BodyStream), one byte Range and If-None-Match on a 200 to a GET or
/// HEAD (SelectBodyPart). Handlers come from an
/// HttpDispatcher; its blocking ones run on a worker pool of
/// `config.worker_threads` threads owned by the server.
///
/// Destroy the server after the IoPool's threads have been joined and before
/// the IoPool: the destructor waits for blocking handlers still running.
class HttpServer {
public:
    HttpServer(runtime::IoPool& pool, const runtime::Config::Http& config, ServerMetrics& counters,
               HttpDispatcher dispatcher);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    base::Status Listen(const runtime::Endpoint& endpoint);
    uint16_t port() const;
    /// `observer` is told of every request answered from then on (an access
    /// log, the edge's viewer counts); it outlives the server. Call before Start.
    void AddObserver(RequestObserver* observer) { observers_.push_back(observer); }
    void Start();
    /// Stops accepting; open connections end with their IO threads.
    void Stop();

private:
    void Accept();

    runtime::IoPool& pool_;
    const runtime::Config::Http config_;
    ServerMetrics& counters_;
    const HttpDispatcher dispatcher_;
    std::unique_ptr<boost::asio::thread_pool> workers_;
    std::vector<RequestObserver*> observers_;
    const HttpSessionEnv env_;
    boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace onair::server::http
