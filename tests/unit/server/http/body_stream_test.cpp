// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/body_stream.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "onair/server/http/http_dispatcher.h"
#include "unit/server/http/http_test_server.h"

namespace onair::server::http {
namespace {

using namespace std::chrono_literals;
using testing::Eventually;
using testing::RawConnection;
using testing::TestHttpServer;
using Clock = std::chrono::steady_clock;
namespace bhttp = boost::beast::http;

// Chunk i of a test body: distinct bytes, sizes that vary.
std::string ChunkText(int i) { return std::string(100 + 37 * i, static_cast<char>('a' + i % 26)) + std::to_string(i); }

std::string WholeBody(int chunks) {
    std::string all;
    for (int i = 0; i < chunks; ++i) all += ChunkText(i);
    return all;
}

// Appends `chunks` chunks, `every` apart, then closes the stream.
void Produce(BodyStream& stream, int from, int to, std::chrono::milliseconds every) {
    for (int i = from; i < to; ++i) {
        if (i > from) std::this_thread::sleep_for(every);
        ASSERT_TRUE(stream.Append(base::SharedBuffer::Copy(ChunkText(i))).ok());
    }
}

// Records what the observers see.
class Recorder : public RequestObserver {
public:
    void OnRequest(const CompletedRequest& r) override {
        std::lock_guard lock(mu_);
        statuses_.push_back(r.status);
        body_bytes_.push_back(r.body_bytes);
    }
    std::vector<unsigned> statuses() {
        std::lock_guard lock(mu_);
        return statuses_;
    }
    std::vector<uint64_t> body_bytes() {
        std::lock_guard lock(mu_);
        return body_bytes_;
    }

private:
    std::mutex mu_;
    std::vector<unsigned> statuses_;
    std::vector<uint64_t> body_bytes_;
};

// Serves `stream` at /part (inline: the session does the waiting), a
// fixed text at /text, and at /wait a coroutine that waits on `notifier`
// (cancelled when its client closes).
HttpDispatcher StreamRoutes(std::shared_ptr<BodyStream> stream, ChangeNotifier* notifier = nullptr,
                            std::string etag = "") {
    HttpDispatcher d;
    d.Handle("/part", [stream, etag](const HttpRequest&) {
        HttpResponse r = HttpResponse::Stream(stream, "video/mp4");
        r.etag = etag;
        return r;
    });
    d.Handle("/text", [](const HttpRequest&) { return HttpResponse::Text(200, "plain\n"); });
    if (notifier != nullptr) {
        d.HandleAsync(
            "/wait",
            [notifier](const HttpRequest&) -> boost::asio::awaitable<HttpResponse> {
                const auto w = co_await notifier->WaitChange(notifier->version(), 30s);
                if (w == ChangeNotifier::Wait::kBusy) co_return HttpResponse::Text(503, "busy\n");
                co_return HttpResponse::Text(200, w == ChangeNotifier::Wait::kChanged ? "changed\n" : "timeout\n");
            },
            {.cancel_when_client_closes = true});
    }
    return d;
}

constexpr std::string_view kGetPart = "GET /part HTTP/1.1\r\nHost: x\r\n\r\n";

// Reads a chunked response with Beast, noting each chunk's size and when
// the first body byte arrived.
struct StreamedRead {
    bhttp::response<bhttp::string_body> response;
    std::vector<uint64_t> chunk_sizes;
    Clock::time_point first_body_byte{};
};

StreamedRead ReadStreamed(RawConnection& conn) {
    StreamedRead out;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(64u << 20);
    auto on_header = [&](uint64_t size, boost::beast::string_view, boost::system::error_code&) {
        out.chunk_sizes.push_back(size);
    };
    parser.on_chunk_header(on_header);
    while (!parser.is_done()) {
        conn.ReadSome(parser);
        if (out.first_body_byte == Clock::time_point{} && !parser.get().body().empty())
            out.first_body_byte = Clock::now();
    }
    out.response = parser.release();
    return out;
}

TEST(BodyStream, ChunksArriveAsTheyAreAppendedFromAnotherThread) {
    auto stream = BodyStream::Make();
    Recorder recorder;
    TestHttpServer server(StreamRoutes(stream), {}, 2, {&recorder});
    RawConnection conn(server.port());
    conn.Send(kGetPart);
    constexpr int kChunks = 20;
    Clock::time_point last_append;
    std::thread producer([&] {
        Produce(*stream, 0, kChunks, 10ms);
        last_append = Clock::now();
        std::this_thread::sleep_for(10ms);
        stream->Close();
    });
    const StreamedRead read = ReadStreamed(conn);
    producer.join();
    EXPECT_EQ(read.response.result_int(), 200u);
    EXPECT_EQ(read.response[bhttp::field::transfer_encoding], "chunked");
    EXPECT_EQ(read.response[bhttp::field::content_length], "");
    EXPECT_EQ(read.response[bhttp::field::content_type], "video/mp4");
    EXPECT_EQ(read.response.body(), WholeBody(kChunks));
    // One HTTP chunk per Append, then the last-chunk.
    ASSERT_EQ(read.chunk_sizes.size(), kChunks + 1u);
    for (int i = 0; i < kChunks; ++i) EXPECT_EQ(read.chunk_sizes[i], ChunkText(i).size()) << i;
    EXPECT_EQ(read.chunk_sizes.back(), 0u);
    const double ahead_ms = std::chrono::duration<double, std::milli>(last_append - read.first_body_byte).count();
    std::printf("first body byte arrived %.1f ms before the last chunk was appended\n", ahead_ms);
    EXPECT_GT(ahead_ms, 150.0);  // 19 appends of 10 ms each after the first
    // The access log sees the body bytes written, once the body is done.
    ASSERT_TRUE(Eventually([&] { return recorder.body_bytes().size() == 1; }));
    EXPECT_EQ(recorder.body_bytes()[0], WholeBody(kChunks).size());
    EXPECT_EQ(recorder.statuses()[0], 200u);
}

TEST(BodyStream, FiftyConcurrentReadersGetIdenticalBodies) {
    auto stream = BodyStream::Make();
    TestHttpServer server(StreamRoutes(stream), {}, 2);
    constexpr int kReaders = 50;
    constexpr int kChunks = 30;
    std::vector<std::string> bodies(kReaders);
    std::atomic<int> connected{0};
    std::vector<std::thread> readers;
    for (int i = 0; i < kReaders; ++i) {
        readers.emplace_back([&, i] {
            RawConnection conn(server.port());
            conn.Send(kGetPart);
            connected.fetch_add(1);
            bodies[i] = ReadStreamed(conn).response.body();
        });
    }
    ASSERT_TRUE(Eventually([&] { return connected == kReaders; }));
    Produce(*stream, 0, kChunks, 5ms);
    stream->Close();
    for (auto& t : readers) t.join();
    const std::string whole = WholeBody(kChunks);
    for (int i = 0; i < kReaders; ++i) EXPECT_EQ(bodies[i], whole) << "reader " << i;
}

TEST(BodyStream, AReaderWhoJoinsLateGetsTheWholeBody) {
    auto stream = BodyStream::Make();
    TestHttpServer server(StreamRoutes(stream));
    constexpr int kChunks = 10;
    Produce(*stream, 0, kChunks / 2, 0ms);
    RawConnection conn(server.port());
    conn.Send(kGetPart);
    std::thread producer([&] {
        std::this_thread::sleep_for(20ms);
        Produce(*stream, kChunks / 2, kChunks, 5ms);
        stream->Close();
    });
    const StreamedRead read = ReadStreamed(conn);
    producer.join();
    EXPECT_EQ(read.response.body(), WholeBody(kChunks));
    // The chunks ready at the start went out in one write, as separate HTTP chunks.
    EXPECT_EQ(read.chunk_sizes.size(), kChunks + 1u);
}

TEST(BodyStream, KeepAliveGoesOnAfterAStreamedResponseAndHeadGetsHeadersOnly) {
    auto stream = BodyStream::Make();
    TestHttpServer server(StreamRoutes(stream));
    RawConnection conn(server.port());
    conn.Send("HEAD /part HTTP/1.1\r\nHost: x\r\n\r\n");
    auto head = conn.Read(/*head=*/true);
    EXPECT_EQ(head.result_int(), 200u);
    EXPECT_EQ(head[bhttp::field::transfer_encoding], "chunked");
    EXPECT_TRUE(head.body().empty());
    EXPECT_TRUE(head.keep_alive());
    // The stream is still open: a GET waits for it; HEAD did not.
    conn.Send(kGetPart);
    std::thread producer([&] {
        Produce(*stream, 0, 3, 5ms);
        stream->Close();
    });
    EXPECT_EQ(ReadStreamed(conn).response.body(), WholeBody(3));
    producer.join();
    // Same connection: a second streamed GET (the stream is complete now) and a plain one.
    conn.Send(kGetPart);
    EXPECT_EQ(ReadStreamed(conn).response.body(), WholeBody(3));
    conn.Send("GET /text HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(conn.Read().body(), "plain\n");
    EXPECT_EQ(server.counters().http_connections.Value(), 1);
}

TEST(BodyStream, AnHttp10ClientGetsTheBodyUntilTheClose) {
    auto stream = BodyStream::Make();
    TestHttpServer server(StreamRoutes(stream));
    RawConnection conn(server.port());
    conn.Send("GET /part HTTP/1.0\r\n\r\n");
    std::thread producer([&] {
        Produce(*stream, 0, 5, 5ms);
        stream->Close();
    });
    const std::string raw = conn.ReadAll();
    producer.join();
    EXPECT_EQ(conn.last_error(), boost::asio::error::eof);
    const size_t end = raw.find("\r\n\r\n");
    ASSERT_NE(end, std::string::npos);
    const std::string head = raw.substr(0, end);
    EXPECT_NE(head.find("HTTP/1.0 200"), std::string::npos) << head;
    EXPECT_NE(head.find("Connection: close"), std::string::npos) << head;
    EXPECT_EQ(head.find("\r\nTransfer-Encoding:"), std::string::npos) << head;
    EXPECT_EQ(head.find("\r\nContent-Length:"), std::string::npos) << head;
    EXPECT_EQ(raw.substr(end + 4), WholeBody(5));
}

TEST(BodyStream, AFailedStreamClosesTheConnectionWithoutTheLastChunk) {
    auto stream = BodyStream::Make();
    TestHttpServer server(StreamRoutes(stream));
    RawConnection conn(server.port());
    conn.Send(kGetPart);
    Produce(*stream, 0, 2, 0ms);
    stream->Fail();
    const std::string raw = conn.ReadAll();
    EXPECT_EQ(conn.last_error(), boost::asio::error::eof);
    EXPECT_NE(raw.find("Transfer-Encoding: chunked"), std::string::npos);
    EXPECT_EQ(raw.find("\r\n0\r\n\r\n"), std::string::npos) << "a failed body must not look complete";
    EXPECT_FALSE(stream->Append(base::SharedBuffer::Copy(std::string_view("late"))).ok());
}

TEST(BodyStream, ABodyNotDoneWithinMaxDurationClosesTheConnection) {
    BodyStream::Options options;
    options.max_duration = 200ms;
    auto stream = BodyStream::Make(options);
    TestHttpServer server(StreamRoutes(stream));
    RawConnection conn(server.port());
    const auto start = Clock::now();
    conn.Send(kGetPart);
    Produce(*stream, 0, 1, 0ms);  // never closed
    const std::string raw = conn.ReadAll();
    const auto took = Clock::now() - start;
    EXPECT_EQ(conn.last_error(), boost::asio::error::eof);
    EXPECT_GE(took, 200ms);
    EXPECT_LT(took, 2000ms);
    EXPECT_NE(raw.find(ChunkText(0)), std::string::npos);
    EXPECT_EQ(raw.find("\r\n0\r\n\r\n"), std::string::npos);
}

TEST(BodyStream, AStalledClientNeitherBlocksTheProducerNorGrowsMemory) {
    BodyStream::Options options;
    options.max_bytes = 4u << 20;
    options.max_duration = 1000ms;
    auto stream = BodyStream::Make(options);
    TestHttpServer server(StreamRoutes(stream));
    RawConnection conn(server.port());
    const int small = 4096;
    setsockopt(conn.socket().native_handle(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    conn.Send(kGetPart);  // and never read
    ASSERT_TRUE(Eventually([&] { return server.counters().http_requests.Value() == 1; }));
    const std::vector<uint8_t> bytes(64 * 1024, 'x');
    int appended = 0;
    base::Status st;
    double slowest_ms = 0;
    for (int i = 0; i < 1000; ++i) {
        const auto t0 = Clock::now();
        st = stream->Append(base::SharedBuffer::Copy(bytes));
        slowest_ms = std::max(slowest_ms, std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        if (!st.ok()) break;
        ++appended;
    }
    std::printf("stalled reader: %d appends of 64 KiB, the slowest %.3f ms\n", appended, slowest_ms);
    EXPECT_EQ(appended, 64);  // 4 MiB, then the bound
    EXPECT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, base::ErrorCode::kLimitExceeded);
    EXPECT_EQ(stream->state(), BodyStream::State::kFailed);
    EXPECT_LE(stream->size(), options.max_bytes);
    EXPECT_LT(slowest_ms, 50.0);
    // The session gives up on the stalled client at the stream's max_duration.
    EXPECT_TRUE(Eventually([&] { return server.counters().http_connections.Value() == 0; }, 3000ms));
}

TEST(BodyStream, IfNoneMatchOfAKnownEtagIs304ButRangeIsIgnored) {
    auto stream = BodyStream::Make();
    TestHttpServer server(StreamRoutes(stream, nullptr, "\"p1\""));
    Produce(*stream, 0, 2, 0ms);
    stream->Close();
    RawConnection conn(server.port());
    conn.Send("GET /part HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"p1\"\r\n\r\n");
    auto not_modified = conn.Read(/*head=*/true);
    EXPECT_EQ(not_modified.result_int(), 304u);
    conn.Send("GET /part HTTP/1.1\r\nHost: x\r\nRange: bytes=0-9\r\n\r\n");
    const StreamedRead read = ReadStreamed(conn);
    EXPECT_EQ(read.response.result_int(), 200u);
    EXPECT_EQ(read.response.body(), WholeBody(2));
    EXPECT_EQ(read.response[bhttp::field::accept_ranges], "");
}

TEST(BodyStream, CurlReadsAStreamedBody) {
    auto stream = BodyStream::Make();
    TestHttpServer server(StreamRoutes(stream));
    std::thread producer([&] {
        std::this_thread::sleep_for(50ms);
        Produce(*stream, 0, 10, 10ms);
        stream->Close();
    });
    for (const char* version : {"--http1.1", "--http1.0"}) {
        const std::string cmd = std::string("curl -sS --fail --max-time 5 ") + version + " " + server.url("/part");
        FILE* p = ::popen(cmd.c_str(), "r");
        ASSERT_NE(p, nullptr);
        std::string out;
        char buf[4096];
        for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
        EXPECT_EQ(::pclose(p), 0) << cmd;
        EXPECT_EQ(out, WholeBody(10)) << cmd;
    }
    producer.join();
}

TEST(BodyStream, AWaiterWhoseClientClosesIsRemovedAndLoggedAs499) {
    ChangeNotifier notifier;
    Recorder recorder;
    TestHttpServer server(StreamRoutes(BodyStream::Make(), &notifier), {}, 2, {&recorder});
    {
        std::vector<std::unique_ptr<RawConnection>> clients;
        for (int i = 0; i < 20; ++i) {
            clients.push_back(std::make_unique<RawConnection>(server.port()));
            clients.back()->Send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        ASSERT_TRUE(Eventually([&] { return notifier.waiters() == 20; })) << notifier.waiters();
    }  // the clients close their connections
    EXPECT_TRUE(Eventually([&] { return notifier.waiters() == 0; }, 2000ms)) << notifier.waiters();
    EXPECT_TRUE(Eventually([&] { return server.counters().http_connections.Value() == 0; }));
    ASSERT_TRUE(Eventually([&] { return recorder.statuses().size() == 20; }));
    for (unsigned s : recorder.statuses()) EXPECT_EQ(s, 499u);
}

TEST(BodyStream, AWatchedWaiterAnswersAndKeepsItsPipelinedRequest) {
    ChangeNotifier notifier;
    TestHttpServer server(StreamRoutes(BodyStream::Make(), &notifier));
    RawConnection conn(server.port());
    // The second request arrives while the first waits: the watch must leave its bytes alone.
    conn.Send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\nGET /text HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(Eventually([&] { return notifier.waiters() == 1; }));
    std::this_thread::sleep_for(20ms);
    notifier.Notify();
    EXPECT_EQ(conn.Read().body(), "changed\n");
    EXPECT_EQ(conn.Read().body(), "plain\n");
    // Not pipelined: the handler answers while the watch still waits for the socket, which it then stops.
    conn.Send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(Eventually([&] { return notifier.waiters() == 1; }));
    notifier.Notify();
    EXPECT_EQ(conn.Read().body(), "changed\n");
    conn.Send("GET /text HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(conn.Read().body(), "plain\n");
    EXPECT_EQ(server.counters().http_connections.Value(), 1);
}

}  // namespace
}  // namespace onair::server::http
