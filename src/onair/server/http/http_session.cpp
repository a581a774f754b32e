// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/http_session.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <variant>
#include <vector>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "onair/runtime/logger.h"
#include "onair/server/http/body_part.h"
#include "onair/server/http/body_stream.h"

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
// A streamed body goes out in gather writes of at most this many chunks.
constexpr size_t kStreamChunksPerWrite = 64;
// An async handler cancelled because its client closed: logged with
// nginx's "client closed request".
constexpr unsigned kClientClosedStatus = 499;

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
    } catch (const boost::system::system_error& e) {
        // Cancelled (its client closed, see WatchClientClose): nobody to answer, nothing to log.
        if (e.code() == asio::error::operation_aborted) co_return HttpResponse::Text(kClientClosedStatus, "");
        what = e.what();
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

// Tells the observers of a request answered (or abandoned) with `status`.
void TellObservers(const HttpSessionEnv& env, const HttpRequest& request,
                   std::chrono::system_clock::time_point received_at, std::chrono::steady_clock::time_point started,
                   unsigned status, uint64_t body_bytes) {
    if (env.observers.empty()) return;
    CompletedRequest done;
    done.received_at = received_at;
    done.duration_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started).count();
    done.client_ip = request.client_ip;
    done.method = request.method;
    done.path = request.path;
    done.query = request.query;
    done.user_agent = request.header("User-Agent");
    done.referrer = request.header("Referer");
    done.status = status;
    done.body_bytes = body_bytes;
    for (RequestObserver* o : env.observers) o->OnRequest(done);
}

// Completes when the client closes or resets the connection while a
// handler waits (run against it with ||, which then cancels the handler).
// Bytes the client sends meanwhile (a pipelined request) are left for the
// next read and end the watching: it then waits until it is cancelled.
asio::awaitable<void> WatchClientClose(asio::ip::tcp::socket& socket) {
    auto [ec] = co_await socket.async_wait(asio::socket_base::wait_read, kTuple);
    if (ec == asio::error::operation_aborted) co_return;  // the handler finished first
    if (!ec) {
        char byte = 0;
        const ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))) {
            asio::steady_timer forever(socket.get_executor(), asio::steady_timer::time_point::max());
            co_await forever.async_wait(kTuple);
        }
    }
}

// Sends `body` as it is appended, from its first chunk: with `chunked`,
// one HTTP chunk per appended chunk (size line, bytes, CRLF in one gather
// write with the others ready) and the last-chunk once it is closed;
// without (HTTP/1.0), the bytes alone, the close ending the body. Each
// write is bounded by the idle timeout and the whole by the stream's
// max_duration. Adds the body bytes written to `body_sent` and every byte
// written to `sent`. False when the connection must close: a write failed,
// the stream failed, or it was not done within max_duration.
asio::awaitable<bool> StreamBody(beast::tcp_stream& stream, BodyStream& body, bool chunked,
                                 std::chrono::milliseconds idle, uint64_t& body_sent, uint64_t& sent) {
    using Clock = ChangeNotifier::Clock;
    static constexpr std::string_view kCrlf = "\r\n";
    static constexpr std::string_view kLastChunk = "0\r\n\r\n";
    const auto deadline = Clock::now() + body.options().max_duration;
    size_t next = 0;
    std::vector<std::string> sizes;
    std::vector<asio::const_buffer> buffers;
    for (;;) {
        const uint64_t seen = body.changes().version();
        const BodyStream::Read read = body.ReadFrom(next, kStreamChunksPerWrite);
        if (read.state == BodyStream::State::kFailed) co_return false;
        // Closed, and fewer than asked for: these are the last chunks.
        const bool last = read.state == BodyStream::State::kClosed && read.chunks.size() < kStreamChunksPerWrite;
        if (read.chunks.empty() && !last) {
            if (co_await body.changes().WaitChange(seen, deadline) != ChangeNotifier::Wait::kChanged) co_return false;
            continue;
        }
        sizes.clear();
        buffers.clear();
        uint64_t payload = 0;
        for (const auto& c : read.chunks) {
            if (!chunked) break;
            char hex[20];
            const int n = std::snprintf(hex, sizeof hex, "%zx\r\n", c.size());
            sizes.emplace_back(hex, static_cast<size_t>(n));
        }
        for (size_t i = 0; i < read.chunks.size(); ++i) {
            if (chunked) buffers.emplace_back(sizes[i].data(), sizes[i].size());
            buffers.emplace_back(read.chunks[i].data(), read.chunks[i].size());
            if (chunked) buffers.emplace_back(kCrlf.data(), kCrlf.size());
            payload += read.chunks[i].size();
        }
        if (last && chunked) buffers.emplace_back(kLastChunk.data(), kLastChunk.size());
        if (!buffers.empty()) {
            stream.expires_at(std::min(Clock::now() + idle, deadline));
            auto [ec, n] = co_await asio::async_write(stream, buffers, kTuple);
            sent += n;
            if (ec) co_return false;
            body_sent += payload;
        }
        if (last) co_return true;
        next += read.chunks.size();
    }
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
        bool async = route != nullptr && route->mode == HttpDispatcher::Mode::kAsync;
        HttpResponse r = route == nullptr        ? HttpResponse::NotFound()
                         : on_worker || async ? HttpResponse()
                                              : CallHandler(route->handler, request);
        if (r.defer && route != nullptr && route->mode == HttpDispatcher::Mode::kInlineOrAsync) async = true;
        const bool watch = async && route->async_options.cancel_when_client_closes;
        if (on_worker) {
            r = co_await asio::co_spawn(env.workers->get_executor(), CallOnWorker(route->handler, request),
                                        asio::use_awaitable);
        }
        bool client_closed = false;
        if (async && !watch) r = co_await CallAsync(route->async_handler, request);
        if (watch) {
            using namespace asio::experimental::awaitable_operators;
            std::variant<HttpResponse, std::monostate> done =
                co_await (CallAsync(route->async_handler, request) || WatchClientClose(stream.socket()));
            client_closed = done.index() == 1;
            if (client_closed) r.status = kClientClosedStatus;
            else r = std::move(std::get<0>(done));
        }
        if (client_closed) {
            TellObservers(env, request, received_at, started, r.status, 0);
            break;
        }

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
        // A stream's length is not known: chunked, or for HTTP/1.0 the body until the close.
        const bool chunked = r.stream && req.version() >= 11;
        if (chunked) res.chunked(true);
        else if (r.status != 304 && !r.stream) res.content_length(part.length);
        // Only a memory body goes out with the header (one gather write); a file or a stream follows it.
        const bool header_only = head || r.file.has_value() || r.stream;
        const base::SharedBuffer memory = header_only ? base::SharedBuffer() : r.body.Slice(part.offset, part.length);
        res.body().data = header_only || memory.empty() ? nullptr : const_cast<uint8_t*>(memory.data());
        res.body().size = header_only ? 0 : memory.size();
        res.body().more = false;
        res.keep_alive(req.keep_alive() && (!r.stream || chunked));
        if (r.stream && !chunked) res.set(bhttp::field::connection, "close");
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
        if (streamed && r.stream && !head) streamed = co_await StreamBody(stream, *r.stream, chunked, idle, body_sent, sent);
        env.counters.http_bytes_sent.Inc(sent);
        TellObservers(env, request, received_at, started, r.status, body_sent);
        if (!streamed) break;
        if (!res.keep_alive()) break;
    }
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
}

}  // namespace onair::server::http
