// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/http_session.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <vector>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "onair/runtime/logger.h"
#include "onair/server/http/body_part.h"

namespace onair::server::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

constexpr auto kTuple = asio::experimental::as_tuple(asio::use_awaitable);
// A connection refused with an error response is read (and the bytes
// dropped) for this long, so that the client reads the response instead of a
// reset caused by closing with its request still unread.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// A file body goes out in reads of at most this much: the only memory a
// download holds, however large the file.
constexpr uint64_t kFileChunkBytes = 256 * 1024;

struct ConnectionGauge {
    explicit ConnectionGauge(runtime::Gauge& g) : gauge(g) { gauge.Inc(); }
    ~ConnectionGauge() { gauge.Dec(); }
    runtime::Gauge& gauge;
};

std::string_view View(beast::string_view s) { return {s.data(), s.size()}; }

// The status that answers a failed read: 0 when the client closed, timed
// out or reset (nobody to answer).
unsigned ReadErrorStatus(const boost::system::error_code& ec) {
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) return 431;
    if (ec == bhttp::error::body_limit) return 413;
    static const boost::system::error_category& kParser = bhttp::make_error_code(bhttp::error::bad_method).category();
    if (ec.category() == kParser && ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message)
        return 400;
    return 0;
}

asio::awaitable<void> RefuseAndClose(beast::tcp_stream& stream, unsigned status, std::chrono::milliseconds timeout) {
    bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(status), 11};
    res.set(bhttp::field::server, "onair");
    res.set(bhttp::field::content_type, "text/plain; charset=utf-8");
    res.set(bhttp::field::access_control_allow_origin, "*");
    res.set(bhttp::field::connection, "close");
    res.body() = status == 400 ? "bad request\n" : "request too large\n";
    res.prepare_payload();
    stream.expires_after(timeout);
    auto [ec, n] = co_await bhttp::async_write(stream, res, kTuple);
    if (ec) co_return;
    boost::system::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    stream.expires_after(kLingerTime);
    std::array<char, 4096> sink;
    for (;;) {
        auto [rec, rn] = co_await stream.async_read_some(asio::buffer(sink), kTuple);
        if (rec) break;
    }
}

bool ExpectsContinue(const bhttp::request<bhttp::string_body>& req) {
    auto it = req.find(bhttp::field::expect);
    return req.version() >= 11 && it != req.end() && beast::iequals(it->value(), "100-continue");
}

// A handler threw: a log line and a 500.
HttpResponse HandlerFailed(const HttpRequest& request, const std::string& what) {
    runtime::Logger("http").Error("handler failed", {{"http.request.method", std::string(request.method)},
                                                     {"url.path", std::string(request.path)},
                                                     {"error.message", what}});
    return HttpResponse::Text(500, "internal error\n");
}

HttpResponse CallHandler(const HttpHandler& handler, const HttpRequest& request) {
    std::string what = "unknown exception";
    try {
        return handler(request);
    } catch (const std::exception& e) {
        what = e.what();
    } catch (...) {
    }
    return HandlerFailed(request, what);
}

asio::awaitable<HttpResponse> CallOnWorker(const HttpHandler& handler, const HttpRequest& request) {
    co_return CallHandler(handler, request);
}

asio::awaitable<HttpResponse> CallAsync(const AsyncHttpHandler& handler, const HttpRequest& request) {
    std::string what = "unknown exception";
    try {
        co_return co_await handler(request);
    } catch (const std::exception& e) {
        what = e.what();
    } catch (...) {
    }
    co_return HandlerFailed(request, what);
}

// Writes `part` of `file` after its header, one bounded read at a time (each
// write with the idle timeout); adds what was written to `sent`. False when
// the connection must close: a write failed, or the file could not be read
// or is shorter than when it was opened, so the Content-Length already sent
// cannot be kept. The reads are on the connection's IO thread: recordings
// just written are in the page cache; a cold disk read stalls the thread's
// other connections for its duration.
asio::awaitable<bool> StreamFile(beast::tcp_stream& stream, const FileBody& file, BodyPart part,
                                 std::chrono::milliseconds idle, uint64_t& sent) {
    if (part.length == 0) co_return true;
    std::vector<uint8_t> chunk(std::min(part.length, kFileChunkBytes));
    while (part.length > 0) {
        const size_t want = static_cast<size_t>(std::min<uint64_t>(part.length, chunk.size()));
        const ssize_t n = ::pread(file.fd(), chunk.data(), want, static_cast<off_t>(part.offset));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            runtime::Logger("http").Warn("file body ended early",
                                         {{"error.message", n < 0 ? std::string(std::strerror(errno)) : "end of file"},
                                          {"offset", std::to_string(part.offset)}});
            co_return false;
        }
        stream.expires_after(idle);
        auto [ec, wn] = co_await asio::async_write(stream, asio::buffer(chunk.data(), static_cast<size_t>(n)), kTuple);
        sent += wn;
        if (ec) co_return false;
        part.offset += static_cast<uint64_t>(n);
        part.length -= static_cast<uint64_t>(n);
    }
    co_return true;
}

}  // namespace

asio::awaitable<void> ServeHttpSession(asio::ip::tcp::socket socket, const HttpSessionEnv& env) {
    ConnectionGauge gauge(env.counters.http_connections);
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer(env.config.max_header_bytes);
    boost::system::error_code ec;
    const std::string client_ip = stream.socket().remote_endpoint(ec).address().to_string();
    const auto idle = std::chrono::milliseconds(env.config.idle_timeout_ms);
    for (;;) {
        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(env.config.max_header_bytes);
        parser.body_limit(env.config.max_body_bytes);
        stream.expires_after(idle);
        auto [hec, hn] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
        boost::system::error_code read_ec = hec;
        if (!read_ec && !parser.is_done()) {
            if (ExpectsContinue(parser.get())) {
                auto [cec, cn] =
                    co_await asio::async_write(stream, asio::buffer(kContinue.data(), kContinue.size()), kTuple);
                if (cec) break;
            }
            stream.expires_after(idle);  // the body has its own idle_timeout_ms
            auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
            read_ec = bec;
        }
        if (read_ec) {
            if (unsigned status = ReadErrorStatus(read_ec)) co_await RefuseAndClose(stream, status, idle);
            break;
        }
        const auto& req = parser.get();
        env.counters.http_requests.Inc();
        const auto received_at = std::chrono::system_clock::now();
        const auto started = std::chrono::steady_clock::now();
        HttpRequest request;
        request.method = View(req.method_string());
        request.verb = ParseHttpMethod(request.method);
        const std::string_view target = View(req.target());
        const auto q = target.find('?');
        request.path = target.substr(0, q);
        request.query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
        request.body = req.body();
        request.client_ip = client_ip;
        request.fields = &static_cast<const bhttp::fields&>(req);

        // Inline handlers' responses are built in place (HLS serves thousands of requests/s); no co_await
        // inside the conditional: GCC 12 frees a temporary of it twice (seen as a crash).
        const HttpDispatcher::Route* route = env.dispatcher.Find(request.path);
        const bool on_worker = route != nullptr && route->mode == HttpDispatcher::Mode::kBlocking && env.workers;
        const bool async = route != nullptr && route->mode == HttpDispatcher::Mode::kAsync;
        HttpResponse r = route == nullptr        ? HttpResponse::NotFound()
                         : on_worker || async ? HttpResponse()
                                              : CallHandler(route->handler, request);
        if (on_worker) {
            r = co_await asio::co_spawn(env.workers->get_executor(), CallOnWorker(route->handler, request),
                                        asio::use_awaitable);
        }
        if (async) r = co_await CallAsync(route->async_handler, request);

        const bool head = request.verb == HttpMethod::kHead;
        const BodyPart part = SelectBodyPart(request, r);
        bhttp::response<bhttp::buffer_body> res{static_cast<bhttp::status>(r.status), req.version()};
        res.set(bhttp::field::server, "onair");
        res.set(bhttp::field::content_type, r.content_type);
        res.set(bhttp::field::cache_control, r.cache_control);
        res.set(bhttp::field::access_control_allow_origin, "*");
        res.set(bhttp::field::access_control_expose_headers,
                "Content-Length, Content-Range, Accept-Ranges, ETag, Age");
        if (!r.etag.empty()) res.set(bhttp::field::etag, r.etag);
        for (const auto& [k, v] : r.headers) res.set(k, v);
        // A 304 must not say Content-Length unless it is the 200's (RFC 9110 §8.6): it says none.
        if (r.status != 304) res.content_length(part.length);
        // Only a memory body goes out with the header (one gather write); a file follows it.
        const bool header_only = head || r.file.has_value();
        const base::SharedBuffer memory = r.file ? base::SharedBuffer() : r.body.Slice(part.offset, part.length);
        res.body().data = header_only || memory.empty() ? nullptr : const_cast<uint8_t*>(memory.data());
        res.body().size = header_only ? 0 : memory.size();
        res.body().more = false;
        res.keep_alive(req.keep_alive());
        bhttp::response_serializer<bhttp::buffer_body> sr{res};
        if (header_only) sr.split(true);
        stream.expires_after(idle);  // a stalled client is dropped, and a slow handler did not use up the write's time
        auto [wec, wn] = header_only ? co_await bhttp::async_write_header(stream, sr, kTuple)
                                     : co_await bhttp::async_write(stream, sr, kTuple);
        uint64_t sent = wn;
        // The body went out with the header: all of it, or (a failed write) what is past the header.
        uint64_t body_sent = header_only ? 0 : (wec ? 0 : memory.size());
        bool streamed = !wec;
        if (streamed && r.file && !head) {
            streamed = co_await StreamFile(stream, *r.file, part, idle, body_sent);
            sent += body_sent;
        }
        env.counters.http_bytes_sent.Inc(sent);
        if (!env.observers.empty()) {
            CompletedRequest done;
            done.received_at = received_at;
            done.duration_ns =
                std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started).count();
            done.client_ip = client_ip;
            done.method = request.method;
            done.path = request.path;
            done.query = request.query;
            done.user_agent = request.header("User-Agent");
            done.referrer = request.header("Referer");
            done.status = r.status;
            done.body_bytes = body_sent;
            for (RequestObserver* o : env.observers) o->OnRequest(done);
        }
        if (!streamed) break;
        if (!res.keep_alive()) break;
    }
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

}  // namespace onair::server::http
