// SPDX-License-Identifier: Apache-2.0
#include "onair/server/rtmp/rtmp_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "onair/runtime/logger.h"
#include "onair/server/listen.h"
#include "onair/server/rtmp/rtmp_connection.h"

namespace onair::server::rtmp {

namespace asio = boost::asio;

RtmpServer::RtmpServer(runtime::IoPool& pool, ServerContext& ctx)
    : pool_(pool), ctx_(ctx), acceptor_(pool.Next()) {}

base::Status RtmpServer::Listen(const runtime::Endpoint& endpoint) {
    return server::Listen(acceptor_, endpoint, "rtmp");
}

uint16_t RtmpServer::port() const {
    boost::system::error_code ec;
    return acceptor_.local_endpoint(ec).port();
}

void RtmpServer::Start() { Accept(); }

void RtmpServer::Stop() {
    boost::system::error_code ec;
    acceptor_.close(ec);
}

void RtmpServer::Accept() {
    acceptor_.async_accept(pool_.Next(), [this](boost::system::error_code ec, asio::ip::tcp::socket socket) {
        if (ec == asio::error::operation_aborted) return;
        if (!ec) {
            if (ctx_.counters.rtmp_connections.Value() >= static_cast<int64_t>(ctx_.config.rtmp.max_connections)) {
                ctx_.counters.connections_rejected.Inc();
                boost::system::error_code ignored;
                socket.close(ignored);
            } else {
                auto conn = std::make_shared<RtmpConnection>(std::move(socket), ctx_);
                auto ex = conn->Executor();
                asio::co_spawn(ex, [](std::shared_ptr<RtmpConnection> c) -> asio::awaitable<void> { co_await c->Run(); }(conn),
                               [](const std::exception_ptr& e) {
                                   if (!e) return;
                                   try {
                                       std::rethrow_exception(e);
                                   } catch (const std::exception& err) {
                                       runtime::Logger("rtmp").Error("connection failed",
                                                                     {{"error.message", err.what()}});
                                   }
                               });
            }
        } else {
            runtime::Logger("rtmp").Warn("accept failed", {{"error.message", ec.message()}});
        }
        Accept();
    });
}

}  // namespace onair::server::rtmp
