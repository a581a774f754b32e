// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/http_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "onair/runtime/logger.h"
#include "onair/server/listen.h"

namespace onair::server::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
constexpr auto kTuple = asio::experimental::as_tuple(asio::use_awaitable);

namespace {

struct ConnectionGauge {
    explicit ConnectionGauge(runtime::Gauge& g) : gauge(g) { gauge.Inc(); }
    ~ConnectionGauge() { gauge.Dec(); }
    runtime::Gauge& gauge;
};

asio::awaitable<void> Session(asio::ip::tcp::socket socket, ServerContext& ctx, const HttpHandler& handler) {
    ConnectionGauge gauge(ctx.counters.http_connections);
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer(ctx.config.http.max_header_bytes);
    boost::system::error_code ec;
    const std::string client_ip = stream.socket().remote_endpoint(ec).address().to_string();
    const auto idle = std::chrono::milliseconds(ctx.config.http.idle_timeout_ms);
    for (;;) {
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(ctx.config.http.max_header_bytes));
        parser.body_limit(ctx.config.http.max_body_bytes);
        stream.expires_after(idle);
        auto [rec, rn] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
        if (rec) {
            if (rec == bhttp::error::header_limit || rec == bhttp::error::body_limit) {
                bhttp::response<bhttp::string_body> res{
                    rec == bhttp::error::header_limit ? bhttp::status::request_header_fields_too_large
                                                      : bhttp::status::payload_too_large,
                    11};
                res.set(bhttp::field::connection, "close");
                res.body() = "request too large\n";
                res.prepare_payload();
                co_await bhttp::async_write(stream, res, kTuple);
            }
            break;
        }
        const auto& req = parser.get();
        ctx.counters.http_requests.Inc();
        HttpRequest request;
        request.method = std::string_view(req.method_string().data(), req.method_string().size());
        const std::string_view target(req.target().data(), req.target().size());
        const auto q = target.find('?');
        request.path = target.substr(0, q);
        request.query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
        if (auto it = req.find(bhttp::field::if_none_match); it != req.end()) {
            request.if_none_match = std::string_view(it->value().data(), it->value().size());
        }
        request.client_ip = client_ip;
        HttpResponse r = handler(request);

        bhttp::response<bhttp::buffer_body> res{static_cast<bhttp::status>(r.status), req.version()};
        res.set(bhttp::field::server, "onair");
        res.set(bhttp::field::content_type, r.content_type);
        res.set(bhttp::field::cache_control, r.cache_control);
        res.set(bhttp::field::access_control_allow_origin, "*");
        res.set(bhttp::field::access_control_expose_headers, "Content-Length, ETag, Age");
        if (!r.etag.empty()) res.set(bhttp::field::etag, r.etag);
        for (const auto& [k, v] : r.headers) res.set(k, v);
        const bool head = req.method() == bhttp::verb::head;
        res.content_length(r.body.size());
        res.body().data = head || r.body.empty() ? nullptr : const_cast<uint8_t*>(r.body.data());
        res.body().size = head ? 0 : r.body.size();
        res.body().more = false;
        res.keep_alive(req.keep_alive());
        bhttp::response_serializer<bhttp::buffer_body> sr{res};
        if (head) sr.split(true);
        auto [wec, wn] = head ? co_await bhttp::async_write_header(stream, sr, kTuple)
                              : co_await bhttp::async_write(stream, sr, kTuple);
        if (wec) break;
        ctx.counters.http_bytes_sent.Inc(wn);
        if (!res.keep_alive()) break;
    }
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

}  // namespace

HttpServer::HttpServer(runtime::IoPool& pool, ServerContext& ctx, HttpHandler handler)
    : pool_(pool), ctx_(ctx), handler_(std::move(handler)), acceptor_(pool.Next()) {}

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
            if (ctx_.counters.http_connections.Value() >= static_cast<int64_t>(ctx_.config.http.max_connections)) {
                ctx_.counters.connections_rejected.Inc();
                boost::system::error_code ignored;
                socket.close(ignored);
            } else {
                auto ex = socket.get_executor();
                asio::co_spawn(ex, Session(std::move(socket), ctx_, handler_), asio::detached);
            }
        }
        Accept();
    });
}

}  // namespace onair::server::http
