// SPDX-License-Identifier: Apache-2.0
// The access log through a real HttpServer on loopback: every request one
// JSON line with the ECS fields and their types (200, 206, 404, HEAD),
// secrets in the query redacted, and the bounded queue's drops counted.
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "onair/server/http/access_log.h"
#include "onair/server/http/http_dispatcher.h"
#include "unit/server/http/http_test_server.h"

namespace onair::server::http {
namespace {

using nlohmann::json;
using testing::RawConnection;
using testing::TestHttpServer;

const std::string kBody(1000, 'x');

HttpDispatcher SegmentDispatcher() {
    HttpDispatcher d;
    d.Handle("/live", [](const HttpRequest&) {
        HttpResponse r = HttpResponse::Text(200, kBody);
        r.content_type = "video/mp2t";
        return r;
    });
    return d;
}

class TempPath {
public:
    TempPath() : path_(::testing::TempDir() + "onair_access_" + std::to_string(::getpid()) + ".log") {
        std::remove(path_.c_str());
    }
    ~TempPath() { std::remove(path_.c_str()); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// The observer is told after the response is written, so a client can read
// its answer before the line is queued: wait for it (at most 5 s).
template <typename Pred>
void WaitFor(Pred done) {
    for (int i = 0; i < 5000 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

std::vector<json> ReadLines(const std::string& path) {
    std::ifstream in(path);
    std::vector<json> out;
    for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));  // throws: the test fails
    return out;
}

TEST(AccessLogTest, OneEcsLinePerRequestThroughTheServer) {
    TempPath file;
    runtime::Metrics metrics;
    auto log = AccessLog::Open({file.path(), "edge", "edge-7"}, metrics);
    ASSERT_TRUE(log.ok()) << log.error().message;
    const auto before = std::chrono::system_clock::now();
    {
        TestHttpServer server(SegmentDispatcher(), {}, 1, {log.value().get()});
        RawConnection c(server.port());
        c.Send("GET /live/studio/src/b1-3.ts HTTP/1.1\r\nHost: x\r\nUser-Agent: hls.js test\r\n"
               "Range: bytes=100-299\r\n\r\n");
        EXPECT_EQ(c.Read().result_int(), 206);
        c.Send("GET /nope?token=s3cret&lang=en&api_key=k1 HTTP/1.1\r\nHost: x\r\nUser-Agent: curl\r\n"
               "Referer: https://example.com/watch\r\n\r\n");
        EXPECT_EQ(c.Read().result_int(), 404);
        c.Send("HEAD /live/studio/src/b1-3.ts HTTP/1.1\r\nHost: x\r\n\r\n");
        EXPECT_EQ(c.Read(/*head=*/true).result_int(), 200);
        c.Send("GET /live/studio/src/b1-3.ts HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        EXPECT_EQ(c.Read().body().size(), kBody.size());
        WaitFor([&] {
            log.value()->Flush();
            return log.value()->written() == 4;
        });
    }
    log.value()->Flush();
    const auto after = std::chrono::system_clock::now();
    const auto lines = ReadLines(file.path());
    ASSERT_EQ(lines.size(), 4u);

    for (const json& l : lines) {
        ASSERT_TRUE(l.is_object());
        // RFC 3339, milliseconds, UTC: 2026-12-04T16:00:00.000Z
        const std::string ts = l.at("@timestamp").get<std::string>();
        ASSERT_EQ(ts.size(), 24u) << ts;
        EXPECT_EQ(ts[10], 'T');
        EXPECT_EQ(ts[19], '.');
        EXPECT_EQ(ts.back(), 'Z');
        EXPECT_EQ(l.at("client.ip"), "127.0.0.1");
        EXPECT_TRUE(l.at("url.path").is_string());
        EXPECT_TRUE(l.at("http.request.method").is_string());
        EXPECT_TRUE(l.at("http.response.status_code").is_number_unsigned());
        EXPECT_TRUE(l.at("http.response.body.bytes").is_number_unsigned());
        EXPECT_TRUE(l.at("event.duration").is_number_integer());
        const int64_t ns = l.at("event.duration").get<int64_t>();
        EXPECT_GE(ns, 0);
        EXPECT_LE(ns, std::chrono::duration_cast<std::chrono::nanoseconds>(after - before).count());
        EXPECT_TRUE(l.at("user_agent.original").is_string());
        EXPECT_EQ(l.at("service.name"), "edge");
        EXPECT_EQ(l.at("service.node.name"), "edge-7");
        EXPECT_EQ(l.at("event.dataset"), "onair.access");
    }
    // The 206 logs the part sent, not the representation.
    EXPECT_EQ(lines[0]["url.path"], "/live/studio/src/b1-3.ts");
    EXPECT_EQ(lines[0]["http.request.method"], "GET");
    EXPECT_EQ(lines[0]["http.response.status_code"], 206);
    EXPECT_EQ(lines[0]["http.response.body.bytes"], 200);
    EXPECT_EQ(lines[0]["user_agent.original"], "hls.js test");
    EXPECT_FALSE(lines[0].contains("url.query"));
    EXPECT_FALSE(lines[0].contains("http.request.referrer"));
    // The 404: its query with the secrets redacted, the referrer.
    EXPECT_EQ(lines[1]["url.path"], "/nope");
    EXPECT_EQ(lines[1]["http.response.status_code"], 404);
    EXPECT_EQ(lines[1]["http.response.body.bytes"], std::string("not found\n").size());
    EXPECT_EQ(lines[1]["url.query"], "token=REDACTED&lang=en&api_key=REDACTED");
    EXPECT_EQ(lines[1]["http.request.referrer"], "https://example.com/watch");
    EXPECT_EQ(lines[1].dump().find("s3cret"), std::string::npos);
    // HEAD: no body sent.
    EXPECT_EQ(lines[2]["http.request.method"], "HEAD");
    EXPECT_EQ(lines[2]["http.response.status_code"], 200);
    EXPECT_EQ(lines[2]["http.response.body.bytes"], 0);
    EXPECT_EQ(lines[2]["user_agent.original"], "");
    EXPECT_EQ(lines[3]["http.response.body.bytes"], kBody.size());
    EXPECT_EQ(log.value()->dropped(), 0u);
}

TEST(AccessLogTest, AFullQueueDropsAndCounts) {
    TempPath file;
    runtime::Metrics metrics;
    AccessLogOptions options{file.path(), "edge", "e1"};
    options.max_queued = 0;  // every request finds the queue full
    auto log = AccessLog::Open(options, metrics);
    ASSERT_TRUE(log.ok());
    {
        TestHttpServer server(SegmentDispatcher(), {}, 1, {log.value().get()});
        RawConnection c(server.port());
        for (int i = 0; i < 3; ++i) {
            c.Send("GET /live/a HTTP/1.1\r\nHost: x\r\n\r\n");
            EXPECT_EQ(c.Read().result_int(), 200);
        }
        WaitFor([&] { return log.value()->dropped() == 3; });
    }
    log.value()->Flush();
    EXPECT_EQ(log.value()->dropped(), 3u);
    EXPECT_EQ(ReadLines(file.path()).size(), 0u);
    EXPECT_NE(metrics.Render().find("onair_http_access_log_dropped_total 3"), std::string::npos);
}

TEST(AccessLogTest, RedactsCredentialsOnly) {
    EXPECT_EQ(RedactQuery("a=1&b=2"), "a=1&b=2");
    EXPECT_EQ(RedactQuery("Token=x"), "Token=REDACTED");
    EXPECT_EQ(RedactQuery("access_token=x&sig=y&hdntoken=z"), "access_token=REDACTED&sig=REDACTED&hdntoken=REDACTED");
    EXPECT_EQ(RedactQuery("password=&monkey=banana&stream_key=k"), "password=REDACTED&monkey=banana&stream_key=REDACTED");
    EXPECT_EQ(RedactQuery("token"), "token");  // a bare name has no value to hide
    EXPECT_EQ(RedactQuery("&&x=1&"), "&&x=1&");
}

TEST(AccessLogTest, LineOfBytesThatAreNotUtf8StillParses) {
    CompletedRequest r;
    r.method = "GET";
    r.path = "/\xff\xfe";
    r.user_agent = "bad \xc3";
    const json j = json::parse(AccessLogLine(r, "edge", "n"));
    EXPECT_TRUE(j.at("url.path").is_string());
    EXPECT_EQ(j.at("@timestamp"), "1970-01-01T00:00:00.000Z");
}

TEST(AccessLogTest, OffIsNotATarget) {
    runtime::Metrics metrics;
    EXPECT_FALSE(AccessLog::Open({"off", "edge", "n"}, metrics).ok());
    EXPECT_FALSE(AccessLog::Open({"/nonexistent-dir/x/access.log", "edge", "n"}, metrics).ok());
}

}  // namespace
}  // namespace onair::server::http
