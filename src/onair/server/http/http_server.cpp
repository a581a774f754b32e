// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/http_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "onair/runtime/logger.h"
#include "onair/server/listen.h"

namespace onair::server::http {

namespace asio = boost::asio;

HttpServer::HttpServer(runtime::IoPool& pool, const runtime::Config::Http& config, ServerMetrics& counters,
                       HttpDispatcher dispatcher)
    : pool_(pool),
      config_(config),
      counters_(counters),
      dispatcher_(std::move(dispatcher)),
      workers_(dispatcher_.has_blocking() ? std::make_unique<asio::thread_pool>(std::max(1u, config.worker_threads))
                                          : nullptr),
      env_{config_, counters_, dispatcher_, workers_.get(), observers_},
      acceptor_(pool.Next()) {}

HttpServer::~HttpServer() {
    if (workers_) workers_->join();
}

base::Status HttpServer::Listen(const runtime::Endpoint& endpoint) {
    return server::Listen(acceptor_, endpoint, "http");
}

uint16_t HttpServer::port() const {
    boost::system::error_code ec;
    return acceptor_.local_endpoint(ec).port();
}

void HttpServer::Start() { Accept(); }

void HttpServer::Stop() {
    boost::system::error_code ec;
    acceptor_.close(ec);
}

void HttpServer::Accept() {
    acceptor_.async_accept(pool_.Next(), [this](boost::system::error_code ec, asio::ip::tcp::socket socket) {
        if (ec == asio::error::operation_aborted) return;
        if (!ec) {
            if (counters_.http_connections.Value() >= static_cast<int64_t>(config_.max_connections)) {
                counters_.connections_rejected.Inc();
                boost::system::error_code ignored;
                socket.close(ignored);
            } else {
                auto ex = socket.get_executor();
                asio::co_spawn(ex, ServeHttpSession(std::move(socket), env_), asio::detached);
            }
        } else {
            runtime::Logger("http").Warn("accept failed", {{"error.message", ec.message()}});
        }
        Accept();
    });
}

}  // namespace onair::server::http
