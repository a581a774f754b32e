// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/http_client.h"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

#include "onair/runtime/logger.h"
#include "onair/server/http/url.h"

namespace onair::server::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kTuple = asio::experimental::as_tuple(asio::use_awaitable);
constexpr uint32_t kMaxResponseHeaderBytes = 64u << 10;
constexpr std::string_view kUserAgent = "onair/0.1";

struct Deadline {
    Clock::time_point at;
    std::chrono::milliseconds timeout;
};

base::Error IoError(std::string message) { return base::Error{base::ErrorCode::kIo, std::move(message)}; }

base::Error TimedOut(const Deadline& deadline, std::string_view stage) {
    return IoError("timed out after " + std::to_string(deadline.timeout.count()) + " ms (" + std::string(stage) + ")");
}

base::Error StageError(const boost::system::error_code& ec, const Deadline& deadline, std::string_view stage) {
    if (ec == beast::error::timeout) return TimedOut(deadline, stage);
    return IoError(std::string(stage) + " failed: " + ec.message());
}

// A response the parser refused, as opposed to a connection that ended.
bool IsMalformed(const boost::system::error_code& ec) {
    static const boost::system::error_category& kParser = bhttp::make_error_code(bhttp::error::bad_method).category();
    return ec.category() == kParser && ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

// ssl::host_name_verification, remembering that the name (not the chain)
// was what failed, for the error message.
struct HostCheck {
    asio::ssl::host_name_verification check;
    bool* mismatch;
    bool operator()(bool preverified, asio::ssl::verify_context& ctx) {
        const bool ok = check(preverified, ctx);
        if (preverified && !ok) *mismatch = true;
        return ok;
    }
};

asio::awaitable<base::Status> Connect(beast::tcp_stream& tcp, const asio::ip::tcp::resolver::results_type& endpoints,
                                      const Deadline& deadline) {
    tcp.expires_at(deadline.at);  // every later operation on the stream ends at the deadline too
    auto [ec, endpoint] = co_await tcp.async_connect(endpoints, kTuple);
    if (ec) co_return StageError(ec, deadline, "connect");
    co_return base::Status::Ok();
}

template <typename Stream>
asio::awaitable<base::Result<FetchResponse>> Exchange(Stream& stream, const Url& url, const FetchRequest& request,
                                                      const Deadline& deadline) {
    const std::string_view method = HttpMethodName(request.method);
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(beast::string_view(method.data(), method.size())),
                                           url.target(), 11};
    req.set(bhttp::field::host, url.authority());
    req.set(bhttp::field::user_agent, beast::string_view(kUserAgent.data(), kUserAgent.size()));
    for (const auto& [name, value] : request.headers) req.insert(name, value);
    req.body() = request.body;
    req.keep_alive(false);
    req.prepare_payload();
    auto [wec, wn] = co_await bhttp::async_write(stream, req, kTuple);
    if (wec) co_return StageError(wec, deadline, "request");
    beast::flat_buffer buffer;
    for (;;) {
        bhttp::response_parser<bhttp::string_body> parser;
        parser.header_limit(kMaxResponseHeaderBytes);
        parser.body_limit(request.max_body_bytes);
        if (request.method == HttpMethod::kHead) parser.skip(true);
        auto [rec, rn] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
        if (rec == bhttp::error::body_limit)
            co_return base::Error{base::ErrorCode::kLimitExceeded,
                                  "response body exceeds " + std::to_string(request.max_body_bytes) + " bytes"};
        if (rec && IsMalformed(rec))
            co_return base::Error{base::ErrorCode::kInvalidData, "malformed response: " + rec.message()};
        if (rec) co_return StageError(rec, deadline, "response");
        auto& res = parser.get();
        if (res.result_int() / 100 == 1) continue;  // 100 Continue and other interim responses
        FetchResponse out;
        out.status = res.result_int();
        for (const auto& field : res)
            out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
        out.body = std::move(res.body());
        co_return out;
    }
}

asio::awaitable<base::Result<FetchResponse>> FetchUrl(asio::any_io_executor ex, const Url& url,
                                                      const FetchRequest& request, const Deadline& deadline) {
    asio::ip::tcp::resolver resolver(ex);
    auto [rec, endpoints] = co_await resolver.async_resolve(url.host, std::to_string(url.port), kTuple);
    if (rec) co_return IoError("cannot resolve " + url.host + ": " + rec.message());
    if (Clock::now() >= deadline.at) co_return TimedOut(deadline, "name resolution");
    if (!url.tls()) {
        beast::tcp_stream stream(ex);
        if (auto st = co_await Connect(stream, endpoints, deadline); !st.ok()) co_return st.error();
        auto result = co_await Exchange(stream, url, request, deadline);
        boost::system::error_code ignored;
        stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        co_return std::move(result);
    }
    asio::ssl::context tls(asio::ssl::context::tls_client);
    boost::system::error_code ec;
    if (request.ca_file.empty()) {
        tls.set_default_verify_paths(ec);
    } else {
        tls.load_verify_file(request.ca_file, ec);
    }
    if (ec) {
        co_return IoError("cannot load CA certificates" + (request.ca_file.empty() ? "" : " from " + request.ca_file) +
                          ": " + ec.message());
    }
    tls.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(ex, tls);
    bool host_mismatch = false;
    stream.set_verify_callback(HostCheck{asio::ssl::host_name_verification(url.host), &host_mismatch});
    boost::system::error_code not_an_address;
    asio::ip::make_address(url.host, not_an_address);
    // SNI carries host names only, never addresses (RFC 6066 3).
    if (not_an_address && !SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str()))
        co_return IoError("cannot set the TLS server name");
    if (auto st = co_await Connect(beast::get_lowest_layer(stream), endpoints, deadline); !st.ok())
        co_return st.error();
    auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, kTuple);
    if (hec) {
        if (host_mismatch) co_return IoError("TLS handshake failed: the certificate does not name " + url.host);
        const long verify = SSL_get_verify_result(stream.native_handle());
        if (verify != X509_V_OK)
            co_return IoError(std::string("TLS handshake failed: ") + X509_verify_cert_error_string(verify));
        co_return StageError(hec, deadline, "TLS handshake");
    }
    co_return co_await Exchange(stream, url, request, deadline);
}

}  // namespace

std::string_view FetchResponse::header(std::string_view name) const {
    for (const auto& [k, v] : headers)
        if (beast::iequals(beast::string_view(k.data(), k.size()), beast::string_view(name.data(), name.size())))
            return v;
    return {};
}

asio::awaitable<base::Result<FetchResponse>> Fetch(asio::any_io_executor executor, FetchRequest request) {
    auto url = ParseUrl(request.url);
    if (!url.ok()) co_return url.error();
    const std::string_view method = HttpMethodName(request.method);
    if (method.empty()) co_return base::Error{base::ErrorCode::kUnsupported, "fetch: unsupported method"};
    const auto start = Clock::now();
    const Deadline deadline{start + request.timeout, request.timeout};
    auto result = co_await FetchUrl(executor, *url, request, deadline);
    const auto duration_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
    const runtime::Logger log("http.client");
    if (!result.ok()) {
        auto error = result.error().Wrap(std::string(method) + " " + url->Redacted());
        log.Debug("fetch failed", {{"error.message", error.message}, {"event.duration", duration_ns}});
        co_return error;
    }
    log.Debug("fetch", {{"http.request.method", std::string(method)},
                        {"url.scheme", url->scheme},
                        {"url.domain", url->host},
                        {"url.port", url->port},
                        {"url.path", url->path},
                        {"http.response.status_code", result->status},
                        {"event.duration", duration_ns}});
    co_return std::move(result);
}

base::Result<FetchResponse> FetchBlocking(FetchRequest request) {
    asio::io_context io;
    std::optional<base::Result<FetchResponse>> result;
    asio::co_spawn(
        io, [&]() -> asio::awaitable<void> { result.emplace(co_await Fetch(io.get_executor(), std::move(request))); },
        [](const std::exception_ptr& e) {
            if (e) std::rethrow_exception(e);
        });
    io.run();
    return std::move(*result);
}

}  // namespace onair::server::http
