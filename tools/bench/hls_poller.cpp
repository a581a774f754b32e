// SPDX-License-Identifier: Apache-2.0
#include "hls_poller.h"

#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <set>
#include <sstream>

namespace onair::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = asio::experimental::as_tuple(asio::use_awaitable);

namespace {

struct Playlist {
    bool multivariant = false;
    std::string first_variant;
    double target = 2;
    uint64_t media_sequence = 0;
    std::vector<std::string> segments;
    std::vector<double> durations;  // EXTINF of each segment, seconds
};

Playlist Parse(const std::string& text) {
    Playlist p;
    std::istringstream in(text);
    std::string line;
    bool next_is_variant = false;
    double pending_duration = 0;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.rfind("#EXT-X-STREAM-INF", 0) == 0) {
            p.multivariant = true;
            next_is_variant = true;
        } else if (line.rfind("#EXT-X-TARGETDURATION:", 0) == 0) {
            p.target = std::stod(line.substr(22));
        } else if (line.rfind("#EXTINF:", 0) == 0) {
            pending_duration = std::stod(line.substr(8));
        } else if (line.rfind("#EXT-X-MEDIA-SEQUENCE:", 0) == 0) {
            p.media_sequence = std::stoull(line.substr(22));
        } else if (!line.empty() && line[0] != '#') {
            if (next_is_variant && p.first_variant.empty()) p.first_variant = line;
            else if (!p.multivariant) {
                p.segments.push_back(line);
                p.durations.push_back(pending_duration);
            }
            next_is_variant = false;
        }
    }
    return p;
}

std::string Resolve(const std::string& base_path, const std::string& uri) {
    if (!uri.empty() && uri[0] == '/') return uri;
    return base_path.substr(0, base_path.rfind('/') + 1) + uri;
}

}  // namespace

asio::awaitable<void> RunHlsPoller(HlsTarget target, Clock::time_point until, ClientStats& stats) {
    auto ex = co_await asio::this_coro::executor;
    ++stats.started;
    const auto begin = Clock::now();
    beast::tcp_stream stream(ex);
    asio::ip::tcp::endpoint ep(asio::ip::make_address(target.host), target.port);
    beast::flat_buffer buffer;
    bool connected = false;
    // GET over the keep-alive connection (one reconnect). With `body` the
    // body is kept (playlists); without, it is read into a scratch buffer
    // and only counted (segments), as a player hands bytes to its decoder:
    // the client must cost less than the server it measures.
    auto get = [&](const std::string& path, std::string* body, uint64_t& bytes,
                   unsigned& status) -> asio::awaitable<bool> {
        for (int attempt = 0; attempt < 2; ++attempt) {
            if (!connected) {
                auto [cec] = co_await stream.async_connect(ep, kTuple);
                if (cec) co_return false;
                connected = true;
            }
            http::request<http::empty_body> req{http::verb::get, path, 11};
            req.set(http::field::host, target.host);
            req.keep_alive(true);
            stream.expires_after(std::chrono::seconds(10));
            auto [wec, wn] = co_await http::async_write(stream, req, kTuple);
            bool ok = false, keep_alive = false;
            if (!wec && body) {
                http::response<http::string_body> res;
                auto [rec, rn] = co_await http::async_read(stream, buffer, res, kTuple);
                if (!rec) {
                    *body = std::move(res.body());
                    bytes = body->size();
                    status = res.result_int();
                    keep_alive = res.keep_alive();
                    ok = true;
                }
            } else if (!wec) {
                http::response_parser<http::buffer_body> parser;
                parser.body_limit(boost::none);
                auto [hec, hn] = co_await http::async_read_header(stream, buffer, parser, kTuple);
                boost::system::error_code rec = hec;
                bytes = 0;
                static thread_local char scratch[1 << 18];
                if (!rec && parser.content_length()) {
                    // The body straight from the socket in large reads: no
                    // parser, no composed operation per read.
                    uint64_t remaining = *parser.content_length();
                    const uint64_t buffered = std::min<uint64_t>(remaining, buffer.size());
                    buffer.consume(buffered);
                    remaining -= buffered;
                    bytes = buffered;
                    while (!rec && remaining > 0) {
                        auto [bec, bn] = co_await stream.socket().async_read_some(
                            asio::buffer(scratch, std::min<uint64_t>(remaining, sizeof scratch)), kTuple);
                        rec = bec;
                        remaining -= bn;
                        bytes += bn;
                    }
                } else {
                    while (!rec && !parser.is_done()) {
                        parser.get().body().data = scratch;
                        parser.get().body().size = sizeof scratch;
                        auto [bec, bn] = co_await http::async_read(stream, buffer, parser, kTuple);
                        rec = bec == http::error::need_buffer ? boost::system::error_code{} : bec;
                        bytes += sizeof scratch - parser.get().body().size;
                    }
                }
                if (!rec) {
                    status = parser.get().result_int();
                    keep_alive = parser.get().keep_alive();
                    ok = true;
                }
            }
            if (ok) {
                if (!keep_alive) {
                    stream.close();
                    connected = false;
                }
                co_return true;
            }
            stream.close();
            connected = false;
        }
        co_return false;
    };

    std::string path = target.path;
    std::set<uint64_t> fetched;
    bool started = false;
    Clock::time_point last_advance = Clock::now();
    uint64_t last_seen_end = 0;
    bool in_stall = false;
    // A player's buffer: media downloaded (EXTINF seconds) against a
    // playhead that runs with the wall clock from the first segment on. A
    // viewer served slower than real time runs dry: a stall (an episode),
    // and the playhead waits until a second of media is buffered again.
    double buffered_s = 0, playhead_s = 0;
    bool underrun = false;
    Clock::time_point last_tick{};
    auto tick = [&] {
        if (!started) return;
        const auto now = Clock::now();
        const double dt = std::chrono::duration<double>(now - last_tick).count();
        last_tick = now;
        if (underrun) {
            if (buffered_s - playhead_s >= 1.0) underrun = false;
            return;
        }
        playhead_s += dt;
        if (playhead_s > buffered_s) {
            playhead_s = buffered_s;
            underrun = true;
            ++stats.stalls;
        }
    };
    asio::steady_timer timer(ex);
    while (Clock::now() < until) {
        std::string body;
        unsigned status = 0;
        uint64_t got = 0;
        double wait_s = 0.5;
        if (!co_await get(path, &body, got, status)) {
            if (!started) ++stats.failed;
            co_return;
        }
        stats.bytes += got;
        if (status == 200) {
            Playlist p = Parse(body);
            if (p.multivariant && !p.first_variant.empty()) {
                path = Resolve(path, p.first_variant);
                continue;
            }
            wait_s = p.target / 2;
            const uint64_t end = p.media_sequence + p.segments.size();
            if (end > last_seen_end) {
                last_seen_end = end;
                last_advance = Clock::now();
                in_stall = false;
            } else if (started && Clock::now() - last_advance > std::chrono::duration<double>(2 * p.target)) {
                if (!in_stall) ++stats.stalls;
                in_stall = true;
            }
            for (size_t i = 0; i < p.segments.size(); ++i) {
                const uint64_t seq = p.media_sequence + i;
                // Live start: the last three segments, like players do.
                if (!started && i + 3 < p.segments.size()) continue;
                if (fetched.count(seq)) continue;
                unsigned seg_status = 0;
                uint64_t seg_bytes = 0;
                if (!co_await get(Resolve(path, p.segments[i]), nullptr, seg_bytes, seg_status)) co_return;
                stats.bytes += seg_bytes;
                fetched.insert(seq);
                tick();
                if (seg_status == 200) buffered_s += p.durations[i];
                if (seg_status == 200 && !started) {
                    started = true;
                    last_tick = Clock::now();
                    ++stats.connected;
                    stats.startup_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
                }
            }
            while (fetched.size() > 64) fetched.erase(fetched.begin());
        }
        timer.expires_after(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(wait_s)));
        co_await timer.async_wait(kTuple);
        tick();
    }
}

}  // namespace onair::bench
