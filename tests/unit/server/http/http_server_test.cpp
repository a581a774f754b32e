// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "onair/server/http/http_client.h"
#include "onair/server/http/http_dispatcher.h"
#include "unit/server/http/http_test_server.h"

namespace onair::server::http {
namespace {

using namespace std::chrono_literals;
using testing::RawConnection;
using testing::TestHttpServer;

// Answers with what it saw, as JSON.
HttpResponse Echo(const HttpRequest& req) {
    nlohmann::json j = {{"method", std::string(req.method)},
                        {"verb", std::string(HttpMethodName(req.verb))},
                        {"path", std::string(req.path)},
                        {"query", std::string(req.query)},
                        {"body", std::string(req.body)},
                        {"x_test", std::string(req.header("x-TEST"))},
                        {"content_type", std::string(req.header("Content-Type"))},
                        {"absent", std::string(req.header("X-Absent"))},
                        {"client_ip", std::string(req.client_ip)}};
    HttpResponse r = HttpResponse::Text(200, j.dump());
    r.content_type = "application/json";
    r.headers.emplace_back("X-Reply", "yes");
    return r;
}

HttpDispatcher EchoDispatcher() {
    HttpDispatcher d;
    d.Handle("/", Echo);
    return d;
}

TEST(HttpServer, RequestBodyHeadersAndQueryReachTheHandler) {
    TestHttpServer server(EchoDispatcher());
    FetchRequest req;
    req.method = HttpMethod::kPost;
    req.url = server.url("/things/1?a=b&c=d");
    req.headers = {{"X-Test", "hello"}, {"Content-Type", "application/json"}};
    req.body = R"({"name":"x"})";
    auto res = FetchBlocking(req);
    ASSERT_TRUE(res.ok()) << res.error().message;
    EXPECT_EQ(res->status, 200u);
    EXPECT_EQ(res->header("x-reply"), "yes");
    EXPECT_EQ(res->header("Access-Control-Allow-Origin"), "*");
    auto j = nlohmann::json::parse(res->body);
    EXPECT_EQ(j["method"], "POST");
    EXPECT_EQ(j["verb"], "POST");
    EXPECT_EQ(j["path"], "/things/1");
    EXPECT_EQ(j["query"], "a=b&c=d");
    EXPECT_EQ(j["body"], R"({"name":"x"})");
    EXPECT_EQ(j["x_test"], "hello");
    EXPECT_EQ(j["content_type"], "application/json");
    EXPECT_EQ(j["absent"], "");
    EXPECT_EQ(j["client_ip"], "127.0.0.1");
}

TEST(HttpServer, EveryMethodIsDispatched) {
    TestHttpServer server(EchoDispatcher());
    for (HttpMethod m : {HttpMethod::kGet, HttpMethod::kPut, HttpMethod::kPatch, HttpMethod::kDelete}) {
        FetchRequest req;
        req.method = m;
        req.url = server.url("/m");
        auto res = FetchBlocking(req);
        ASSERT_TRUE(res.ok()) << res.error().message;
        EXPECT_EQ(nlohmann::json::parse(res->body)["verb"], HttpMethodName(m));
    }
    RawConnection raw(server.port());
    raw.Send("BREW /pot HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto res = raw.Read();
    auto j = nlohmann::json::parse(res.body());
    EXPECT_EQ(j["method"], "BREW");
    EXPECT_EQ(j["verb"], "");
}

TEST(HttpServer, KeepAliveServesSeveralRequestsOnOneConnection) {
    TestHttpServer server(EchoDispatcher());
    RawConnection raw(server.port());
    for (int i = 0; i < 3; ++i) {
        raw.Send("GET /n/" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        auto res = raw.Read();
        EXPECT_EQ(res.result_int(), 200u);
        EXPECT_TRUE(res.keep_alive());
        EXPECT_EQ(nlohmann::json::parse(res.body())["path"], "/n/" + std::to_string(i));
    }
    // Pipelined: both requests in one write, the second with a body.
    raw.Send(
        "GET /p/1 HTTP/1.1\r\nHost: x\r\n\r\n"
        "POST /p/2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc");
    EXPECT_EQ(nlohmann::json::parse(raw.Read().body())["path"], "/p/1");
    auto last = raw.Read();
    EXPECT_EQ(nlohmann::json::parse(last.body())["body"], "abc");
    EXPECT_FALSE(last.keep_alive());
    EXPECT_EQ(raw.ReadAll(), "");  // then the server closes
    EXPECT_EQ(raw.last_error(), boost::asio::error::eof) << raw.last_error().message();
    EXPECT_EQ(server.counters().http_requests.Value(), 5u);
}

TEST(HttpServer, HeadGetsTheHeadersWithoutTheBody) {
    HttpDispatcher d;
    d.Handle("/", [](const HttpRequest&) { return HttpResponse::Text(200, "0123456789"); });
    TestHttpServer server(std::move(d));
    RawConnection raw(server.port());
    raw.Send("HEAD /x HTTP/1.1\r\nHost: x\r\n\r\n");
    auto head = raw.Read(true);
    EXPECT_EQ(head.result_int(), 200u);
    EXPECT_EQ(head[boost::beast::http::field::content_length], "10");
    // Had the server sent the body, it would be read here as the next response.
    raw.Send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(raw.Read().body(), "0123456789");
}

TEST(HttpServer, BodyAtTheLimitIsServedOverItIs413) {
    runtime::Config::Http config;
    config.max_body_bytes = 16;
    TestHttpServer server(EchoDispatcher(), config);
    {
        RawConnection raw(server.port());
        raw.Send("POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n\r\n0123456789abcdef");
        EXPECT_EQ(nlohmann::json::parse(raw.Read().body())["body"], "0123456789abcdef");
    }
    {
        // Declared too long: refused after the header, the body read and dropped so the client sees the 413.
        RawConnection raw(server.port());
        raw.Send("POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n" + std::string(17, 'x'));
        auto res = raw.Read();
        EXPECT_EQ(res.result_int(), 413u);
        EXPECT_FALSE(res.keep_alive());
    }
    {
        // Chunked, found too long while reading.
        RawConnection raw(server.port());
        raw.Send(
            "POST /b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
            "chunked\r\n\r\n10\r\n0123456789abcdef\r\n1\r\nx\r\n0\r\n\r\n");
        EXPECT_EQ(raw.Read().result_int(), 413u);
    }
    FetchRequest big;
    big.method = HttpMethod::kPut;
    big.url = server.url("/b");
    big.body = std::string(8u << 20, 'y');  // more than the socket buffers: the server must read it to be heard
    auto res = FetchBlocking(big);
    ASSERT_TRUE(res.ok()) << res.error().message;
    EXPECT_EQ(res->status, 413u);
}

TEST(HttpServer, BodyLongerThanTheReadBufferIsReadWhole) {
    HttpDispatcher d;
    d.Handle("/", [](const HttpRequest& req) {
        const bool same = req.body == std::string(req.body.size(), 'q');
        return HttpResponse::Text(200, std::to_string(req.body.size()) + (same ? " intact" : " corrupt"));
    });
    TestHttpServer server(std::move(d));  // defaults: 8 KiB header buffer, 64 KiB body
    FetchRequest req;
    req.method = HttpMethod::kPost;
    req.url = server.url("/");
    req.body = std::string(65536, 'q');
    auto res = FetchBlocking(req);
    ASSERT_TRUE(res.ok()) << res.error().message;
    EXPECT_EQ(res->body, "65536 intact");
}

TEST(HttpServer, HeaderOverTheLimitIs431) {
    runtime::Config::Http config;
    config.max_header_bytes = 1024;
    TestHttpServer server(EchoDispatcher(), config);
    RawConnection raw(server.port());
    raw.Send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n");
    EXPECT_EQ(raw.Read().result_int(), 431u);
    RawConnection ok(server.port());
    ok.Send("GET / HTTP/1.1\r\nHost: x\r\nX-Test: " + std::string(500, 'a') + "\r\n\r\n");
    EXPECT_EQ(ok.Read().result_int(), 200u);
}

TEST(HttpServer, MalformedRequestIs400) {
    TestHttpServer server(EchoDispatcher());
    RawConnection raw(server.port());
    raw.Send("GET / HTTP/1.1\r\nHost x\r\n\r\n");
    EXPECT_EQ(raw.Read().result_int(), 400u);
}

TEST(HttpServer, ExpectContinueIsAnsweredBeforeTheBody) {
    TestHttpServer server(EchoDispatcher());
    RawConnection raw(server.port());
    raw.Send("POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
    EXPECT_EQ(raw.ReadHead(), "HTTP/1.1 100 Continue\r\n\r\n");
    raw.Send("hello");
    EXPECT_EQ(nlohmann::json::parse(raw.Read().body())["body"], "hello");
}

TEST(HttpServer, StalledBodyIsDroppedAfterTheIdleTimeout) {
    runtime::Config::Http config;
    config.idle_timeout_ms = 300;
    TestHttpServer server(EchoDispatcher(), config);
    RawConnection raw(server.port());
    const auto start = std::chrono::steady_clock::now();
    raw.Send("POST /s HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
    EXPECT_EQ(raw.ReadAll(), "");  // closed without an answer
    EXPECT_EQ(raw.last_error(), boost::asio::error::eof) << raw.last_error().message();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(HttpServer, DispatcherMatchesWholeSegmentsAndUnknownPathsAre404) {
    HttpDispatcher d;
    d.Handle("/api", [](const HttpRequest&) { return HttpResponse::Text(200, "api"); });
    d.Handle("/hls/", [](const HttpRequest&) { return HttpResponse::Text(200, "hls"); });
    TestHttpServer server(std::move(d));
    auto get = [&](std::string_view path) {
        FetchRequest req;
        req.url = server.url(path);
        auto res = FetchBlocking(req);
        EXPECT_TRUE(res.ok());
        return res.ok() ? std::to_string(res->status) + " " + res->body : std::string("error");
    };
    EXPECT_EQ(get("/api"), "200 api");
    EXPECT_EQ(get("/api/v1/x"), "200 api");
    EXPECT_EQ(get("/apis"), "404 not found\n");
    EXPECT_EQ(get("/hls/a.ts"), "200 hls");
    EXPECT_EQ(get("/other"), "404 not found\n");
}

TEST(HttpServer, HandlerExceptionIs500AndTheServerGoesOn) {
    HttpDispatcher d;
    d.Handle("/throw", [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); });
    d.HandleBlocking("/throw-blocking", [](const HttpRequest&) -> HttpResponse { throw std::runtime_error("boom"); });
    d.Handle("/", [](const HttpRequest&) { return HttpResponse::Text(200, "fine"); });
    TestHttpServer server(std::move(d));
    RawConnection raw(server.port());
    raw.Send("GET /throw HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(raw.Read().result_int(), 500u);
    raw.Send("GET /throw-blocking HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(raw.Read().result_int(), 500u);
    raw.Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(raw.Read().body(), "fine");
}

TEST(HttpServer, BlockingHandlerLeavesTheIoThreadFree) {
    std::promise<void> entered;
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::atomic<std::thread::id> io_thread{};
    std::atomic<std::thread::id> worker_thread{};
    HttpDispatcher d;
    d.HandleBlocking("/slow", [&](const HttpRequest& req) {
        worker_thread = std::this_thread::get_id();
        entered.set_value();
        released.wait_for(10s);
        return HttpResponse::Text(200, "slow " + std::string(req.body));  // the request's views are still valid
    });
    d.Handle("/fast", [&](const HttpRequest&) {
        io_thread = std::this_thread::get_id();
        return HttpResponse::Text(200, "fast");
    });
    TestHttpServer server(std::move(d), {}, 1);  // one IO thread: blocking it would stall /fast

    base::Result<FetchResponse> slow = base::Error{};
    std::thread slow_client([&] {
        FetchRequest req;
        req.method = HttpMethod::kPost;
        req.url = server.url("/slow");
        req.body = "body";
        req.timeout = 15s;
        slow = FetchBlocking(req);
    });
    ASSERT_EQ(entered.get_future().wait_for(10s), std::future_status::ready);
    FetchRequest fast;
    fast.url = server.url("/fast");
    fast.timeout = 2s;
    auto res = FetchBlocking(fast);
    release.set_value();
    slow_client.join();
    ASSERT_TRUE(res.ok()) << res.error().message;
    EXPECT_EQ(res->body, "fast");
    ASSERT_TRUE(slow.ok()) << slow.error().message;
    EXPECT_EQ(slow->body, "slow body");
    EXPECT_NE(io_thread.load(), worker_thread.load());
}

TEST(HttpServer, HandlerSetsHeadersThatReplaceTheDefaults) {
    HttpDispatcher d;
    d.Handle("/", [](const HttpRequest&) {
        HttpResponse r = HttpResponse::Text(201, "made");
        r.etag = "\"v1\"";
        r.headers = {{"Location", "/things/1"}, {"Access-Control-Allow-Origin", "https://app.example"}};
        return r;
    });
    TestHttpServer server(std::move(d));
    FetchRequest req;
    req.url = server.url("/");
    auto res = FetchBlocking(req);
    ASSERT_TRUE(res.ok()) << res.error().message;
    EXPECT_EQ(res->status, 201u);
    EXPECT_EQ(res->header("Location"), "/things/1");
    EXPECT_EQ(res->header("ETag"), "\"v1\"");
    EXPECT_EQ(res->header("Access-Control-Allow-Origin"), "https://app.example");
    EXPECT_EQ(res->header("Content-Length"), "4");
}

}  // namespace
}  // namespace onair::server::http
