// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/thread_pool.hpp>
#include <vector>

#include "onair/runtime/config.h"
#include "onair/server/http/http_dispatcher.h"
#include "onair/server/http/request_observer.h"
#include "onair/server/server_context.h"

namespace onair::server::http {

/// What every connection of one HttpServer shares; outlives the connections.
struct HttpSessionEnv {
    const runtime::Config::Http& config;
    ServerMetrics& counters;
    const HttpDispatcher& dispatcher;
    boost::asio::thread_pool* workers;  // null when the dispatcher has no blocking route
    const std::vector<RequestObserver*>& observers;  // told of every request answered (access log, viewers)
};

/// One connection: requests read and answered in turn until the client
/// closes, asks to close, is idle for config.idle_timeout_ms, or sends a
/// request that is malformed (400) or too large (431, 413).
boost::asio::awaitable<void> ServeHttpSession(boost::asio::ip::tcp::socket socket, const HttpSessionEnv& env);

}  // namespace onair::server::http
