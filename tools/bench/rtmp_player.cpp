// SPDX-License-Identifier: Apache-2.0
#include "rtmp_player.h"

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <random>
#include <vector>

#include "onair/proto/amf0/value.h"
#include "onair/proto/rtmp/chunk_reader.h"
#include "onair/proto/rtmp/chunk_writer.h"
#include "onair/proto/rtmp/command.h"
#include "onair/proto/rtmp/control.h"
#include "onair/proto/rtmp/handshake.h"
#include "onair/proto/rtmp/message.h"

namespace onair::bench {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = asio::experimental::as_tuple(asio::use_awaitable);

namespace {

double MsSince(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

std::vector<uint8_t> PlayRequest(const RtmpTarget& t) {
    using proto::amf0::Value;
    proto::rtmp::ChunkWriter w;
    base::OutBuffers out;
    const std::string tc_url = "rtmp://" + t.host + ":" + std::to_string(t.port) + "/" + t.app;
    const Value connect_args[] = {Value::Object({{"app", Value::String(t.app)},
                                                 {"flashVer", Value::String("LNX 9,0,124,2")},
                                                 {"tcUrl", Value::String(tc_url)},
                                                 {"fpad", Value::Boolean(false)},
                                                 {"capabilities", Value::Number(15)},
                                                 {"audioCodecs", Value::Number(4071)},
                                                 {"videoCodecs", Value::Number(252)},
                                                 {"videoFunction", Value::Number(1)}})};
    auto connect = proto::rtmp::EncodeCommand("connect", 1, connect_args);
    w.Write(3, proto::rtmp::kCommandAmf0, 0, 0, std::span<const uint8_t>(connect), out);
    auto ack = proto::rtmp::WindowAckSize(5000000);
    w.Write(2, proto::rtmp::kWindowAckSize, 0, 0, std::span<const uint8_t>(ack), out);
    const Value null_arg[] = {Value::Null()};
    auto create = proto::rtmp::EncodeCommand("createStream", 2, null_arg);
    w.Write(3, proto::rtmp::kCommandAmf0, 0, 0, std::span<const uint8_t>(create), out);
    const Value play_args[] = {Value::Null(), Value::String(t.stream), Value::Number(-1000)};
    auto play = proto::rtmp::EncodeCommand("play", 3, play_args);
    w.Write(8, proto::rtmp::kCommandAmf0, 0, 1, std::span<const uint8_t>(play), out);
    auto buffer = proto::rtmp::SetBufferLength(1, 3000);
    w.Write(2, proto::rtmp::kUserControl, 0, 0, std::span<const uint8_t>(buffer), out);
    return out.Flatten();
}

}  // namespace

asio::awaitable<void> RunRtmpPlayer(RtmpTarget target, Clock::time_point until, int read_batch_ms,
                                    ClientStats& stats) {
    auto ex = co_await asio::this_coro::executor;
    ++stats.started;
    const auto begin = Clock::now();
    asio::ip::tcp::socket socket(ex);
    asio::ip::tcp::endpoint ep(asio::ip::make_address(target.host), target.port);
    auto [cec] = co_await socket.async_connect(ep, kTuple);
    if (cec) {
        ++stats.failed;
        co_return;
    }
    static thread_local std::mt19937 rng{std::random_device{}()};
    proto::rtmp::ClientHandshake hs([](std::span<uint8_t> b) { for (auto& x : b) x = static_cast<uint8_t>(rng()); }, 0);
    auto c0c1 = hs.Start();
    co_await asio::async_write(socket, asio::buffer(c0c1), kTuple);
    std::vector<uint8_t> buf(read_batch_ms > 0 ? 65536 : 16384);
    std::vector<uint8_t> out;
    std::span<const uint8_t> rest;
    bool done = false;
    while (!done) {
        auto [ec, n] = co_await socket.async_read_some(asio::buffer(buf), kTuple);
        if (ec) {
            ++stats.failed;
            co_return;
        }
        std::span<const uint8_t> in(buf.data(), n);
        size_t consumed = 0;
        out.clear();
        const auto st = hs.Feed(in, consumed, out);
        if (!out.empty()) co_await asio::async_write(socket, asio::buffer(out), kTuple);
        if (st == base::ParseStatus::kError) {
            ++stats.failed;
            co_return;
        }
        if (st == base::ParseStatus::kMessage) {
            done = true;
            rest = in.subspan(consumed);
        }
    }
    auto request = PlayRequest(target);
    co_await asio::async_write(socket, asio::buffer(request), kTuple);

    proto::rtmp::ChunkReader reader(proto::rtmp::ChunkReader::Limits{64u << 20, 256});
    uint64_t window = 2500000, acked = 0;
    bool got_video = false, got_key = false;
    Clock::time_point last_media{};
    bool in_stall = false;
    asio::steady_timer batch(ex);
    std::vector<uint8_t> pending(rest.begin(), rest.end());
    while (Clock::now() < until) {
        std::span<const uint8_t> in;
        if (!pending.empty()) {
            in = pending;
        } else {
            if (read_batch_ms > 0) {
                batch.expires_after(std::chrono::milliseconds(read_batch_ms));
                co_await batch.async_wait(kTuple);
            }
            auto [ec, n] = co_await socket.async_read_some(asio::buffer(buf), kTuple);
            if (ec) {
                if (!got_video) ++stats.failed;
                co_return;
            }
            stats.bytes += n;
            in = std::span<const uint8_t>(buf.data(), n);
        }
        while (!in.empty()) {
            size_t consumed = 0;
            const auto st = reader.Feed(in, consumed);
            in = in.subspan(consumed);
            if (st == base::ParseStatus::kError) {
                ++stats.failed;
                co_return;
            }
            if (st != base::ParseStatus::kMessage) break;
            auto msg = reader.TakeMessage();
            if (msg.type == proto::rtmp::kWindowAckSize && msg.payload.size() >= 4) {
                window = (uint64_t{msg.payload[0]} << 24) | (msg.payload[1] << 16) | (msg.payload[2] << 8) | msg.payload[3];
            } else if (msg.type == proto::rtmp::kVideo || msg.type == proto::rtmp::kAudio) {
                const auto now = Clock::now();
                if (got_video && now - last_media > std::chrono::seconds(1)) {
                    if (!in_stall) ++stats.stalls;
                    in_stall = true;
                } else {
                    in_stall = false;
                }
                last_media = now;
                if (msg.type == proto::rtmp::kVideo && !got_video) {
                    got_video = true;
                    ++stats.connected;
                    stats.startup_ms.push_back(MsSince(begin));
                }
                if (msg.type == proto::rtmp::kVideo && !got_key && !msg.payload.empty() && (msg.payload[0] >> 4) == 1) {
                    got_key = true;
                    stats.keyframe_ms.push_back(MsSince(begin));
                }
            }
        }
        pending.clear();
        if (reader.bytes_consumed() - acked >= window / 2) {
            acked = reader.bytes_consumed();
            proto::rtmp::ChunkWriter w;
            base::OutBuffers o;
            auto ack = proto::rtmp::Acknowledgement(static_cast<uint32_t>(acked));
            w.Write(2, proto::rtmp::kAck, 0, 0, std::span<const uint8_t>(ack), o);
            auto bytes = o.Flatten();
            co_await asio::async_write(socket, asio::buffer(bytes), kTuple);
        }
    }
    boost::system::error_code ignored;
    socket.close(ignored);
}

}  // namespace onair::bench
