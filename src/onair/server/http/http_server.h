// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <boost/asio/ip/tcp.hpp>

#include "onair/base/result.h"
#include "onair/runtime/endpoint.h"
#include "onair/runtime/io_pool.h"
#include "onair/server/http/http_types.h"
#include "onair/server/server_context.h"

namespace onair::server::http {

/// HTTP/1.1 server (Boost.Beast, one coroutine per connection): keep-alive,
/// header and body size limits, idle timeout, CORS on every response.
class HttpServer {
public:
    HttpServer(runtime::IoPool& pool, ServerContext& ctx, HttpHandler handler);

    base::Status Listen(const runtime::Endpoint& endpoint);
    uint16_t port() const;
    void Start();
    void Stop();

private:
    void Accept();

    runtime::IoPool& pool_;
    ServerContext& ctx_;
    HttpHandler handler_;
    boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace onair::server::http
