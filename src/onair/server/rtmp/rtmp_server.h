// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "onair/base/result.h"
#include "onair/runtime/endpoint.h"
#include "onair/runtime/io_pool.h"
#include "onair/server/server_context.h"

namespace onair::server::rtmp {

/// Accepts RTMP connections and spreads them over the io pool.
class RtmpServer {
public:
    RtmpServer(runtime::IoPool& pool, ServerContext& ctx);

    /// Binds the listening socket. A clear one-line error on failure
    /// (e.g. "rtmp: cannot listen on 0.0.0.0:1935: Address already in use").
    base::Status Listen(const runtime::Endpoint& endpoint);
    /// The bound port (useful with port 0).
    uint16_t port() const;
    void Start();
    void Stop();

private:
    void Accept();

    runtime::IoPool& pool_;
    ServerContext& ctx_;
    boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace onair::server::rtmp
