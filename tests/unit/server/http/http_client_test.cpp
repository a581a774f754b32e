// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/http_client.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>

#include "unit/server/http/http_test_server.h"

namespace onair::server::http {
namespace {

using namespace std::chrono_literals;
using testing::TestHttpServer;

TEST(HttpClient, TimesOutAgainstAServerThatNeverAnswers) {
    boost::asio::io_context io;
    // Listening but never accepting: the kernel completes the connection, nobody reads.
    boost::asio::ip::tcp::acceptor silent(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    FetchRequest req;
    req.url = "http://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/hook";
    req.timeout = 300ms;
    const auto start = std::chrono::steady_clock::now();
    auto res = FetchBlocking(req);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(res.ok());
    EXPECT_EQ(res.error().code, base::ErrorCode::kIo);
    EXPECT_NE(res.error().message.find("timed out after 300 ms"), std::string::npos) << res.error().message;
    EXPECT_GE(elapsed, 250ms);
    EXPECT_LT(elapsed, 3s);
}

TEST(HttpClient, ConnectionRefusedIsAnErrorThatKeepsTheQueryOut) {
    boost::asio::io_context io;
    uint16_t port = 0;
    {
        boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
        port = a.local_endpoint().port();
    }
    FetchRequest req;
    req.method = HttpMethod::kPost;
    req.url = "http://127.0.0.1:" + std::to_string(port) + "/on_publish?key=sk_secret";
    auto res = FetchBlocking(req);
    ASSERT_FALSE(res.ok());
    EXPECT_EQ(res.error().code, base::ErrorCode::kIo);
    const std::string& m = res.error().message;
    EXPECT_NE(m.find("refused"), std::string::npos) << m;
    EXPECT_NE(m.find("POST http://127.0.0.1:" + std::to_string(port) + "/on_publish"), std::string::npos) << m;
    EXPECT_EQ(m.find("sk_secret"), std::string::npos) << m;
}

TEST(HttpClient, ResponseBodyOverTheLimitIsAnError) {
    HttpDispatcher d;
    d.Handle("/", [](const HttpRequest&) { return HttpResponse::Text(200, std::string(2u << 20, 'z')); });
    TestHttpServer server(std::move(d));
    FetchRequest req;
    req.url = server.url("/big");
    auto res = FetchBlocking(req);  // default limit 1 MiB
    ASSERT_FALSE(res.ok());
    EXPECT_EQ(res.error().code, base::ErrorCode::kLimitExceeded);
    req.max_body_bytes = 4u << 20;
    auto ok = FetchBlocking(req);
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok->body.size(), 2u << 20);
}

TEST(HttpClient, HeadReadsNoBody) {
    HttpDispatcher d;
    d.Handle("/", [](const HttpRequest&) { return HttpResponse::Text(200, "twelve bytes"); });
    TestHttpServer server(std::move(d));
    FetchRequest req;
    req.method = HttpMethod::kHead;
    req.url = server.url("/");
    req.timeout = 2s;
    auto res = FetchBlocking(req);
    ASSERT_TRUE(res.ok()) << res.error().message;
    EXPECT_EQ(res->status, 200u);
    EXPECT_EQ(res->header("content-length"), "12");
    EXPECT_EQ(res->body, "");
}

TEST(HttpClient, FetchIsAnAwaitableOnTheCallersExecutor) {
    HttpDispatcher d;
    d.Handle("/", [](const HttpRequest& r) { return HttpResponse::Text(200, std::string(r.path)); });
    TestHttpServer server(std::move(d));
    boost::asio::io_context io;
    std::vector<std::string> bodies;
    auto one = [&](std::string path) -> boost::asio::awaitable<void> {
        FetchRequest req;
        req.url = server.url(path);
        auto res = co_await Fetch(io.get_executor(), req);
        bodies.push_back(res.ok() ? res->body : res.error().message);
    };
    boost::asio::co_spawn(io, one("/a"), boost::asio::detached);
    boost::asio::co_spawn(io, one("/b"), boost::asio::detached);
    io.run();
    std::sort(bodies.begin(), bodies.end());
    EXPECT_EQ(bodies, (std::vector<std::string>{"/a", "/b"}));
}

TEST(HttpClient, BadUrlsAndMethodsAreRefusedBeforeConnecting) {
    FetchRequest req;
    req.url = "ftp://example.test/x";
    auto res = FetchBlocking(req);
    ASSERT_FALSE(res.ok());
    EXPECT_EQ(res.error().code, base::ErrorCode::kUnsupported);
    req.url = "http://127.0.0.1:1/x";
    req.method = HttpMethod::kOther;
    res = FetchBlocking(req);
    ASSERT_FALSE(res.ok());
    EXPECT_EQ(res.error().code, base::ErrorCode::kUnsupported);
}

}  // namespace
}  // namespace onair::server::http
