// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "onair/runtime/config.h"
#include "onair/runtime/io_pool.h"
#include "onair/runtime/metrics.h"
#include "onair/server/http/http_server.h"

namespace onair::server::http::testing {

/// Polls `done` every millisecond for up to `limit`: false if it never held.
inline bool Eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

/// An HttpServer on 127.0.0.1 (ephemeral port) with its own IO threads.
class TestHttpServer {
public:
    explicit TestHttpServer(HttpDispatcher dispatcher, runtime::Config::Http config = {}, unsigned io_threads = 1,
                            std::vector<RequestObserver*> observers = {})
        : config_(std::move(config)),
          counters_(metrics_),
          pool_(io_threads),
          server_(pool_, config_, counters_, std::move(dispatcher)) {
        for (RequestObserver* o : observers) server_.AddObserver(o);
        if (auto st = server_.Listen({"127.0.0.1", 0}); !st.ok()) throw std::runtime_error(st.error().message);
        server_.Start();
        pool_.Run();
    }
    ~TestHttpServer() {
        server_.Stop();
        pool_.Stop();
        pool_.Join();
    }

    uint16_t port() const { return server_.port(); }
    std::string url(std::string_view path_and_query) const {
        return "http://127.0.0.1:" + std::to_string(port()) + std::string(path_and_query);
    }
    ServerMetrics& counters() { return counters_; }

private:
    runtime::Config::Http config_;
    runtime::Metrics metrics_;
    ServerMetrics counters_;
    runtime::IoPool pool_;
    HttpServer server_;
};

/// A blocking client socket for writing exact bytes. Reads give up after
/// 5 s (SO_RCVTIMEO, read with recv(2): Asio's own blocking reads would poll
/// past it) so that a test fails instead of hanging.
class RawConnection {
public:
    explicit RawConnection(uint16_t port) : socket_(io_) {
        socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port});
        timeval tv{5, 0};
        setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }

    void Send(std::string_view bytes) { boost::asio::write(socket_, boost::asio::buffer(bytes.data(), bytes.size())); }

    /// One response; `head` for the answer to a HEAD request (no body).
    boost::beast::http::response<boost::beast::http::string_body> Read(bool head = false) {
        boost::beast::http::response_parser<boost::beast::http::string_body> parser;
        parser.body_limit(64u << 20);
        if (head) parser.skip(true);
        boost::beast::http::read(stream_, buffer_, parser);
        return parser.release();
    }

    /// Feeds `parser` what arrives next (at least one read): for a test that
    /// watches a body arrive piece by piece.
    template <typename Parser>
    void ReadSome(Parser& parser) {
        boost::beast::http::read_some(stream_, buffer_, parser);
    }
    boost::asio::ip::tcp::socket& socket() { return socket_; }

    /// Bytes up to and including the first "\r\n\r\n" (an interim response).
    std::string ReadHead() {
        for (;;) {
            const std::string_view have(static_cast<const char*>(buffer_.data().data()), buffer_.size());
            if (const auto end = have.find("\r\n\r\n"); end != std::string_view::npos) {
                std::string head(have.substr(0, end + 4));
                buffer_.consume(head.size());
                return head;
            }
            const size_t n = stream_.read_some(buffer_.prepare(4096));
            buffer_.commit(n);
        }
    }

    /// Everything until the server closes (or the read times out: then
    /// last_error() is timed_out).
    std::string ReadAll() {
        std::string rest(static_cast<const char*>(buffer_.data().data()), buffer_.size());
        buffer_.consume(buffer_.size());
        char chunk[4096];
        for (;;) {
            const size_t n = stream_.read_some(boost::asio::buffer(chunk), last_error_);
            if (last_error_) break;
            rest.append(chunk, n);
        }
        return rest;
    }
    boost::system::error_code last_error() const { return last_error_; }

private:
    // A SyncReadStream over recv(2).
    struct RecvStream {
        boost::asio::ip::tcp::socket* socket;
        template <typename Buffers>
        size_t read_some(const Buffers& buffers, boost::system::error_code& ec) {
            const boost::asio::mutable_buffer b = *boost::asio::buffer_sequence_begin(buffers);
            const ssize_t n = ::recv(socket->native_handle(), b.data(), b.size(), 0);
            ec = {};
            if (n < 0)
                ec = errno == EAGAIN ? make_error_code(boost::asio::error::timed_out)
                                     : boost::system::error_code(errno, boost::system::system_category());
            if (n == 0 && b.size() > 0) ec = boost::asio::error::eof;
            return n > 0 ? static_cast<size_t>(n) : 0;
        }
        template <typename Buffers>
        size_t read_some(const Buffers& buffers) {
            boost::system::error_code ec;
            const size_t n = read_some(buffers, ec);
            if (ec) throw boost::system::system_error(ec);
            return n;
        }
    };

    boost::asio::io_context io_;
    boost::asio::ip::tcp::socket socket_;
    RecvStream stream_{&socket_};
    boost::beast::flat_buffer buffer_;
    boost::system::error_code last_error_;
};

}  // namespace onair::server::http::testing
