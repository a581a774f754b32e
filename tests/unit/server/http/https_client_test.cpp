// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <fstream>
#include <mutex>
#include <thread>

#include "onair/server/http/http_client.h"
#include "unit/server/http/test_certificate.h"

namespace onair::server::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;
constexpr auto kTuple = asio::experimental::as_tuple(asio::use_awaitable);

/// An HTTPS server on 127.0.0.1 with a self-signed certificate for
/// "localhost": answers every request "hello over tls" and records the SNI
/// name the client sent.
class TestTlsServer {
public:
    TestTlsServer()
        : cert_(testing::MakeSelfSignedCertificate("DNS:localhost")),
          tls_(asio::ssl::context::tls_server),
          acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
        tls_.use_certificate_chain(asio::buffer(cert_.cert_pem));
        tls_.use_private_key(asio::buffer(cert_.key_pem), asio::ssl::context::pem);
        ca_file_ = ::testing::TempDir() + "onair_test_ca_" + std::to_string(::getpid()) + ".pem";
        std::ofstream(ca_file_) << cert_.cert_pem;
        asio::co_spawn(io_, AcceptLoop(), asio::detached);
        thread_ = std::thread([this] { io_.run(); });
    }
    ~TestTlsServer() {
        io_.stop();
        thread_.join();
        std::remove(ca_file_.c_str());
    }

    uint16_t port() const { return acceptor_.local_endpoint().port(); }
    const std::string& ca_file() const { return ca_file_; }
    std::string server_name() {
        std::lock_guard lock(mu_);
        return server_name_;
    }

private:
    asio::awaitable<void> AcceptLoop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor_.async_accept(kTuple);
            if (ec) co_return;
            asio::co_spawn(io_, Serve(std::move(socket)), asio::detached);
        }
    }
    asio::awaitable<void> Serve(asio::ip::tcp::socket socket) {
        beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), tls_);
        beast::get_lowest_layer(stream).expires_after(5s);
        auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::server, kTuple);
        if (hec) co_return;  // the client refused the certificate
        if (const char* sni = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name)) {
            std::lock_guard lock(mu_);
            server_name_ = sni;
        }
        beast::flat_buffer buffer;
        bhttp::request<bhttp::string_body> req;
        auto [rec, rn] = co_await bhttp::async_read(stream, buffer, req, kTuple);
        if (rec) co_return;
        bhttp::response<bhttp::string_body> res{bhttp::status::ok, 11};
        res.body() = "hello over tls";
        res.prepare_payload();
        co_await bhttp::async_write(stream, res, kTuple);
        co_await stream.async_shutdown(kTuple);
    }

    testing::TestCertificate cert_;
    asio::io_context io_;
    asio::ssl::context tls_;
    asio::ip::tcp::acceptor acceptor_;
    std::string ca_file_;
    std::mutex mu_;
    std::string server_name_;
    std::thread thread_;
};

FetchRequest Get(std::string url, std::string ca_file = "") {
    FetchRequest req;
    req.url = std::move(url);
    req.ca_file = std::move(ca_file);
    req.timeout = 5s;
    return req;
}

TEST(HttpsClient, SelfSignedCertificateIsRefusedByTheSystemStore) {
    TestTlsServer server;
    auto res = FetchBlocking(Get("https://localhost:" + std::to_string(server.port()) + "/"));
    ASSERT_FALSE(res.ok());
    EXPECT_EQ(res.error().code, base::ErrorCode::kIo);
    EXPECT_NE(res.error().message.find("TLS handshake failed"), std::string::npos) << res.error().message;
    EXPECT_NE(res.error().message.find("self-signed"), std::string::npos) << res.error().message;
}

TEST(HttpsClient, TrustedThroughTheCaFileWithSni) {
    TestTlsServer server;
    auto res =
        FetchBlocking(Get("https://localhost:" + std::to_string(server.port()) + "/hello?k=v", server.ca_file()));
    ASSERT_TRUE(res.ok()) << res.error().message;
    EXPECT_EQ(res->status, 200u);
    EXPECT_EQ(res->body, "hello over tls");
    EXPECT_EQ(server.server_name(), "localhost");
}

TEST(HttpsClient, CertificateForAnotherNameIsRefusedEvenWhenTrusted) {
    TestTlsServer server;
    auto res = FetchBlocking(Get("https://127.0.0.1:" + std::to_string(server.port()) + "/", server.ca_file()));
    ASSERT_FALSE(res.ok());
    EXPECT_NE(res.error().message.find("does not name 127.0.0.1"), std::string::npos) << res.error().message;
}

TEST(HttpsClient, MissingCaFileIsAnError) {
    TestTlsServer server;
    auto res = FetchBlocking(Get("https://localhost:" + std::to_string(server.port()) + "/", "/nonexistent/ca.pem"));
    ASSERT_FALSE(res.ok());
    EXPECT_NE(res.error().message.find("cannot load CA certificates from /nonexistent/ca.pem"), std::string::npos)
        << res.error().message;
}

}  // namespace
}  // namespace onair::server::http
