// SPDX-License-Identifier: Apache-2.0
// Memory and file bodies through a real HttpServer on loopback: Range (206,
// 416, ignored), If-Range, If-None-Match, HEAD, keep-alive after a partial
// answer, and a large file streamed in bounded memory.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "onair/server/http/file_body.h"
#include "onair/server/http/http_dispatcher.h"
#include "unit/server/http/http_test_server.h"

namespace onair::server::http {
namespace {

namespace bhttp = boost::beast::http;
using testing::RawConnection;
using testing::TestHttpServer;

// The byte at offset i of every test file: a hash of i, so a byte from the
// wrong offset shows.
uint8_t PatternByte(uint64_t i) { return static_cast<uint8_t>((i * 0x9E3779B97F4A7C15ull) >> 56); }

std::string Pattern(uint64_t offset, uint64_t length) {
    std::string s(length, '\0');
    for (uint64_t i = 0; i < length; ++i) s[i] = static_cast<char>(PatternByte(offset + i));
    return s;
}

// A file of `size` pattern bytes, removed at the end of the test.
class PatternFile {
public:
    explicit PatternFile(uint64_t size, std::string name = "range")
        : path_(::testing::TempDir() + "onair_" + name + "_" + std::to_string(::getpid()) + ".bin") {
        std::ofstream out(path_, std::ios::binary | std::ios::trunc);
        for (uint64_t at = 0; at < size;) {
            const uint64_t n = std::min<uint64_t>(size - at, 1 << 20);
            const std::string chunk = Pattern(at, n);
            out.write(chunk.data(), static_cast<std::streamsize>(n));
            at += n;
        }
        if (!out) throw std::runtime_error("cannot write " + path_);
    }
    ~PatternFile() { std::remove(path_.c_str()); }
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

// A route that answers with the file at `path`, opened on each request
// (404 when it cannot be), with a strong ETag.
HttpDispatcher FileDispatcher(std::string path) {
    HttpDispatcher d;
    d.Handle("/", [path](const HttpRequest&) {
        auto file = FileBody::Open(path);
        if (!file.ok()) return HttpResponse::NotFound();
        HttpResponse r = HttpResponse::File(std::move(*file), "video/mp4");
        r.etag = "\"v1\"";
        return r;
    });
    return d;
}

HttpDispatcher MemoryDispatcher(std::string text) {
    HttpDispatcher d;
    d.Handle("/", [text](const HttpRequest&) {
        HttpResponse r = HttpResponse::Text(200, text);
        r.etag = "\"m1\"";
        return r;
    });
    return d;
}

std::string Get(std::string_view path, std::string_view extra_headers = "", std::string_view method = "GET") {
    return std::string(method) + " " + std::string(path) + " HTTP/1.1\r\nHost: x\r\n" + std::string(extra_headers) +
           "\r\n";
}

std::string Header(const bhttp::response<bhttp::string_body>& res, std::string_view name) {
    auto it = res.find(boost::beast::string_view(name.data(), name.size()));
    return it == res.end() ? std::string("<absent>") : std::string(it->value());
}

// Checks one exchange: `range` asked, the status, Content-Range and body that must come back.
void ExpectRange(RawConnection& raw, std::string_view range, unsigned status, std::string_view content_range,
                 const std::string& body) {
    raw.Send(Get("/f", "Range: " + std::string(range) + "\r\n"));
    auto res = raw.Read();
    EXPECT_EQ(res.result_int(), status) << range;
    EXPECT_EQ(Header(res, "Content-Range"), content_range) << range;
    EXPECT_EQ(Header(res, "Accept-Ranges"), "bytes") << range;
    EXPECT_EQ(Header(res, "Content-Length"), std::to_string(res.body().size())) << range;
    if (status != 416) {
        EXPECT_EQ(res.body().size(), body.size()) << range;
        EXPECT_TRUE(res.body() == body) << range;
    }
    EXPECT_TRUE(res.keep_alive()) << range;
}

TEST(HttpRange, MemoryBodyServesOneRangeFromAnySpot) {
    const std::string text = "0123456789";
    TestHttpServer server(MemoryDispatcher(text));
    RawConnection raw(server.port());  // one connection throughout: keep-alive after 206 and 416
    raw.Send(Get("/f"));
    auto whole = raw.Read();
    EXPECT_EQ(whole.result_int(), 200u);
    EXPECT_EQ(whole.body(), text);
    EXPECT_EQ(Header(whole, "Accept-Ranges"), "bytes");
    EXPECT_EQ(Header(whole, "Content-Range"), "<absent>");
    ExpectRange(raw, "bytes=0-3", 206, "bytes 0-3/10", "0123");
    ExpectRange(raw, "bytes=4-6", 206, "bytes 4-6/10", "456");
    ExpectRange(raw, "bytes=7-", 206, "bytes 7-9/10", "789");
    ExpectRange(raw, "bytes=-2", 206, "bytes 8-9/10", "89");
    ExpectRange(raw, "bytes=9-100", 206, "bytes 9-9/10", "9");
    ExpectRange(raw, "bytes=10-", 416, "bytes */10", "");
    ExpectRange(raw, "bytes=0-1,5-6", 200, "<absent>", text);  // several ranges: ignored
    ExpectRange(raw, "bytes=5-3", 200, "<absent>", text);      // invalid: ignored
    ExpectRange(raw, "pages=1-2", 200, "<absent>", text);
    ExpectRange(raw, "bytes=" + std::string(200, ' ') + "1-2", 200, "<absent>", text);  // over the limit
    raw.Send(Get("/f", "Connection: close\r\n"));
    EXPECT_EQ(raw.Read().body(), text);
    EXPECT_EQ(server.counters().http_requests.Value(), 12u);
}

TEST(HttpRange, IfRangeAndIfNoneMatch) {
    TestHttpServer server(MemoryDispatcher("0123456789"));
    RawConnection raw(server.port());
    raw.Send(Get("/f", "Range: bytes=2-3\r\nIf-Range: \"m1\"\r\n"));
    auto same = raw.Read();
    EXPECT_EQ(same.result_int(), 206u);
    EXPECT_EQ(same.body(), "23");
    for (std::string_view other : {"\"m2\"", "W/\"m1\"", "Fri, 04 Dec 2026 18:00:00 GMT"}) {
        raw.Send(Get("/f", "Range: bytes=2-3\r\nIf-Range: " + std::string(other) + "\r\n"));
        auto changed = raw.Read();
        EXPECT_EQ(changed.result_int(), 200u) << other;
        EXPECT_EQ(changed.body(), "0123456789") << other;
    }
    // If-None-Match comes first: a cached copy is never re-sent, whole or in part.
    for (std::string_view extra : {"", "Range: bytes=2-3\r\n", "Range: bytes=50-\r\n"}) {
        raw.Send(Get("/f", "If-None-Match: \"x\", W/\"m1\"\r\n" + std::string(extra)));
        auto cached = raw.Read(true);  // a 304 has no body
        EXPECT_EQ(cached.result_int(), 304u) << extra;
        EXPECT_EQ(Header(cached, "ETag"), "\"m1\"") << extra;
        EXPECT_EQ(Header(cached, "Content-Length"), "<absent>") << extra;
        EXPECT_EQ(Header(cached, "Content-Range"), "<absent>") << extra;
    }
    raw.Send(Get("/f", "If-None-Match: \"m2\"\r\n"));
    EXPECT_EQ(raw.Read().result_int(), 200u);
    // HEAD: the same headers, no body (else it would be read as the next response).
    raw.Send(Get("/f", "Range: bytes=-4\r\n", "HEAD"));
    auto head = raw.Read(true);
    EXPECT_EQ(head.result_int(), 206u);
    EXPECT_EQ(Header(head, "Content-Length"), "4");
    EXPECT_EQ(Header(head, "Content-Range"), "bytes 6-9/10");
    raw.Send(Get("/f", "Range: bytes=1-1\r\n"));
    EXPECT_EQ(raw.Read().body(), "1");
}

TEST(HttpRange, OnlyGetAndHeadOf200AreRanged) {
    HttpDispatcher d;
    d.Handle("/", [](const HttpRequest& req) {
        return HttpResponse::Text(req.path == "/missing" ? 404 : 200, "0123456789");
    });
    TestHttpServer server(std::move(d));
    RawConnection raw(server.port());
    raw.Send("POST /f HTTP/1.1\r\nHost: x\r\nRange: bytes=0-1\r\nContent-Length: 0\r\n\r\n");
    auto post = raw.Read();
    EXPECT_EQ(post.result_int(), 200u);
    EXPECT_EQ(post.body(), "0123456789");
    EXPECT_EQ(Header(post, "Accept-Ranges"), "<absent>");
    raw.Send(Get("/missing", "Range: bytes=0-1\r\n"));
    auto missing = raw.Read();
    EXPECT_EQ(missing.result_int(), 404u);
    EXPECT_EQ(missing.body(), "0123456789");
}

TEST(HttpRange, FileBodyBytesAtTheStartMiddleAndEnd) {
    const uint64_t size = 3 * 256 * 1024 + 12345;  // several chunks and a partial one
    PatternFile file(size);
    TestHttpServer server(FileDispatcher(file.path()));
    RawConnection raw(server.port());
    raw.Send(Get("/f"));
    auto whole = raw.Read();
    EXPECT_EQ(whole.result_int(), 200u);
    EXPECT_EQ(whole.body().size(), size);
    EXPECT_TRUE(whole.body() == Pattern(0, size));
    EXPECT_EQ(Header(whole, "Content-Type"), "video/mp4");
    EXPECT_EQ(Header(whole, "ETag"), "\"v1\"");
    const std::string total = "/" + std::to_string(size);
    ExpectRange(raw, "bytes=0-0", 206, "bytes 0-0" + total, Pattern(0, 1));
    ExpectRange(raw, "bytes=0-99", 206, "bytes 0-99" + total, Pattern(0, 100));
    ExpectRange(raw, "bytes=262140-262150", 206, "bytes 262140-262150" + total, Pattern(262140, 11));
    ExpectRange(raw, "bytes=300000-", 206, "bytes 300000-" + std::to_string(size - 1) + total,
                Pattern(300000, size - 300000));
    ExpectRange(raw, "bytes=-7", 206, "bytes " + std::to_string(size - 7) + "-" + std::to_string(size - 1) + total,
                Pattern(size - 7, 7));
    ExpectRange(raw, "bytes=" + std::to_string(size - 1) + "-", 206,
                "bytes " + std::to_string(size - 1) + "-" + std::to_string(size - 1) + total, Pattern(size - 1, 1));
    ExpectRange(raw, "bytes=" + std::to_string(size) + "-", 416, "bytes *" + total, "");
    ExpectRange(raw, "bytes=0-1,4-5", 200, "<absent>", Pattern(0, size));
    raw.Send(Get("/f", "Range: bytes=100-199\r\n", "HEAD"));
    auto head = raw.Read(true);
    EXPECT_EQ(head.result_int(), 206u);
    EXPECT_EQ(Header(head, "Content-Length"), "100");
    raw.Send(Get("/f", "", "HEAD"));
    EXPECT_EQ(Header(raw.Read(true), "Content-Length"), std::to_string(size));
    raw.Send(Get("/f", "If-None-Match: \"v1\"\r\nRange: bytes=0-1\r\n"));
    EXPECT_EQ(raw.Read(true).result_int(), 304u);
    raw.Send(Get("/f", "Range: bytes=5-9\r\nConnection: close\r\n"));
    auto last = raw.Read();
    EXPECT_EQ(last.body(), Pattern(5, 5));
    EXPECT_FALSE(last.keep_alive());
    EXPECT_EQ(raw.ReadAll(), "");
    EXPECT_EQ(raw.last_error(), boost::asio::error::eof);
}

TEST(HttpRange, AnEmptyFile) {
    PatternFile file(0, "empty");
    TestHttpServer server(FileDispatcher(file.path()));
    RawConnection raw(server.port());
    raw.Send(Get("/f"));
    auto whole = raw.Read();
    EXPECT_EQ(whole.result_int(), 200u);
    EXPECT_EQ(Header(whole, "Content-Length"), "0");
    ExpectRange(raw, "bytes=0-", 416, "bytes */0", "");
    ExpectRange(raw, "bytes=-5", 200, "<absent>", "");
}

TEST(HttpRange, AnOpenFileIsServedAfterItIsDeleted) {
    auto file = std::make_unique<PatternFile>(100000, "deleted");
    HttpDispatcher d;
    d.Handle("/", [&file](const HttpRequest&) {
        auto body = FileBody::Open(file->path());
        if (!body.ok()) return HttpResponse::NotFound();
        file.reset();  // retention removes it between the open and the write
        return HttpResponse::File(std::move(*body), "video/mp2t");
    });
    TestHttpServer server(std::move(d));
    RawConnection raw(server.port());
    raw.Send(Get("/f", "Range: bytes=99990-\r\n"));
    auto res = raw.Read();
    EXPECT_EQ(res.result_int(), 206u);
    EXPECT_TRUE(res.body() == Pattern(99990, 10));
    EXPECT_FALSE(file);
}

TEST(HttpRange, AFileCutShortAfterItWasOpenedClosesTheConnection) {
    PatternFile file(600000, "short");
    HttpDispatcher d;
    d.Handle("/", [&file](const HttpRequest&) {
        auto body = FileBody::Open(file.path());
        if (!body.ok()) return HttpResponse::NotFound();
        if (::truncate(file.path().c_str(), 300000) != 0) throw std::runtime_error("truncate");
        return HttpResponse::File(std::move(*body), "video/mp4");
    });
    TestHttpServer server(std::move(d));
    RawConnection raw(server.port());
    raw.Send(Get("/f"));
    const std::string all = raw.ReadAll();  // the header promised 600000 bytes; the server closes after 300000
    EXPECT_EQ(raw.last_error(), boost::asio::error::eof);
    const size_t end = all.find("\r\n\r\n");
    ASSERT_NE(end, std::string::npos);
    EXPECT_NE(all.find("Content-Length: 600000"), std::string::npos);
    EXPECT_EQ(all.size() - end - 4, 300000u);
    EXPECT_TRUE(all.substr(end + 4) == Pattern(0, 300000));
}

TEST(FileBody, OpenFailsForWhatIsNotARegularFile) {
    auto missing = FileBody::Open(::testing::TempDir() + "onair_no_such_file");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, base::ErrorCode::kNotFound);
    auto dir = FileBody::Open(::testing::TempDir());
    ASSERT_FALSE(dir.ok());
    EXPECT_EQ(dir.error().code, base::ErrorCode::kUnsupported);
    PatternFile file(1234, "open");
    auto ok = FileBody::Open(file.path());
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok->size(), 1234u);
    EXPECT_GE(ok->fd(), 0);
    const int fd = ::open(file.path().c_str(), O_RDONLY | O_CLOEXEC);
    auto adopted = FileBody::Adopt(fd);
    ASSERT_TRUE(adopted.ok());
    EXPECT_EQ(adopted->fd(), fd);
    EXPECT_EQ(adopted->size(), 1234u);
}

// kB of a /proc/self/status line ("VmHWM", "VmRSS").
uint64_t StatusKb(std::string_view key) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key, 0) == 0) return std::stoull(line.substr(key.size() + 1));
    }
    return 0;
}

// Reads one response to a GET of `range` over a plain socket and checks each
// body byte against the pattern as it arrives, keeping none of them.
uint64_t ReadAndCheckStreaming(uint16_t port, uint64_t first, uint64_t expect_length) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    const std::string req = Get("/f", "Range: bytes=" + std::to_string(first) + "-\r\nConnection: close\r\n");
    EXPECT_EQ(::send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
    std::vector<char> buf(64 * 1024);
    std::string head;
    uint64_t at = first;
    uint64_t body = 0;
    uint64_t wrong = 0;
    for (;;) {
        const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
        if (n <= 0) break;
        size_t i = 0;
        if (head.find("\r\n\r\n") == std::string::npos) {
            head.append(buf.data(), static_cast<size_t>(n));
            const size_t end = head.find("\r\n\r\n");
            if (end == std::string::npos) continue;
            i = static_cast<size_t>(n) - (head.size() - end - 4);
            head.resize(end + 4);
        }
        for (; i < static_cast<size_t>(n); ++i, ++at, ++body) {
            if (static_cast<uint8_t>(buf[i]) != PatternByte(at)) ++wrong;
        }
    }
    ::close(fd);
    EXPECT_NE(head.find("HTTP/1.1 206"), std::string::npos) << head;
    EXPECT_NE(head.find("Content-Length: " + std::to_string(expect_length)), std::string::npos) << head;
    EXPECT_EQ(wrong, 0u);
    return body;
}

TEST(HttpRange, A50MiBFileIsStreamedInBoundedMemory) {
    const uint64_t size = 50ull << 20;
    PatternFile file(size, "large");
    TestHttpServer server(FileDispatcher(file.path()));
    EXPECT_EQ(ReadAndCheckStreaming(server.port(), size - 1000, 1000), 1000u);  // warm the threads' arenas
    // Peak RSS from here: /proc/self/clear_refs "5" resets VmHWM to the current RSS.
    {
        std::ofstream clear("/proc/self/clear_refs");
        clear << "5";
    }
    const uint64_t before_kb = StatusKb("VmHWM");
    ASSERT_GT(before_kb, 0u);
    EXPECT_EQ(ReadAndCheckStreaming(server.port(), 1, size - 1), size - 1);
    const uint64_t peak_kb = StatusKb("VmHWM");
    const uint64_t growth_kb = peak_kb > before_kb ? peak_kb - before_kb : 0;
    std::printf("50 MiB file streamed: RSS peak %llu kB before, %llu kB during (+%llu kB)\n",
                static_cast<unsigned long long>(before_kb), static_cast<unsigned long long>(peak_kb),
                static_cast<unsigned long long>(growth_kb));
    EXPECT_LT(growth_kb, 4u * 1024) << "a download must not hold the file in memory";
}

}  // namespace
}  // namespace onair::server::http
