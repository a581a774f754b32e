// SPDX-License-Identifier: Apache-2.0
// onair-bench: N RTMP players and M HLS pollers in one light process.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <fstream>
#include <regex>

#include "hls_poller.h"
#include "rtmp_player.h"

namespace asio = boost::asio;
using namespace onair::bench;
using Clock = std::chrono::steady_clock;

namespace {

double CpuSeconds() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

long RssKb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return 0;
}

std::string Json(const char* kind, const ClientStats& s, double seconds) {
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "\"%s\":{\"started\":%llu,\"connected\":%llu,\"failed\":%llu,\"mbps\":%.2f,\"stalls\":%llu,"
                  "\"startup_ms_p50\":%.1f,\"startup_ms_p95\":%.1f,\"keyframe_ms_p50\":%.1f}",
                  kind, static_cast<unsigned long long>(s.started), static_cast<unsigned long long>(s.connected),
                  static_cast<unsigned long long>(s.failed), static_cast<double>(s.bytes) * 8 / 1e6 / seconds,
                  static_cast<unsigned long long>(s.stalls), ClientStats::Percentile(s.startup_ms, 0.5),
                  ClientStats::Percentile(s.startup_ms, 0.95), ClientStats::Percentile(s.keyframe_ms, 0.5));
    return buf;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"onair-bench: RTMP players and HLS pollers against one server (loopback only)"};
    int players = 0, pollers = 0, batch_ms = 0;
    double duration = 20, ramp = 500;
    std::string rtmp_url, hls_url;
    bool json = false;
    app.add_option("--rtmp-players", players, "RTMP players");
    app.add_option("--hls-pollers", pollers, "HLS pollers");
    app.add_option("--url-rtmp", rtmp_url, "rtmp://HOST:PORT/APP/STREAM");
    app.add_option("--url-hls", hls_url, "http://HOST:PORT/PATH.m3u8");
    app.add_option("--duration", duration, "Seconds to run (after the ramp)");
    app.add_option("--ramp-per-second", ramp, "Clients started per second");
    app.add_option("--read-batch-ms", batch_ms, "RTMP players sleep this long between reads");
    app.add_flag("--json", json, "Print one JSON object");
    CLI11_PARSE(app, argc, argv);

    std::smatch m;
    RtmpTarget rtmp;
    if (players > 0) {
        static const std::regex re(R"(rtmp://([0-9.]+):(\d+)/([^/]+)/(.+))");
        if (!std::regex_match(rtmp_url, m, re)) {
            std::fprintf(stderr, "onair-bench: --url-rtmp must be rtmp://IP:PORT/APP/STREAM\n");
            return 2;
        }
        rtmp = RtmpTarget{m[1], static_cast<uint16_t>(std::stoi(m[2])), m[3], m[4]};
    }
    HlsTarget hls;
    if (pollers > 0) {
        static const std::regex re(R"(http://([0-9.]+):(\d+)(/.*))");
        if (!std::regex_match(hls_url, m, re)) {
            std::fprintf(stderr, "onair-bench: --url-hls must be http://IP:PORT/PATH\n");
            return 2;
        }
        hls = HlsTarget{m[1], static_cast<uint16_t>(std::stoi(m[2])), m[3]};
    }
    if (rlimit rl{}; getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }

    asio::io_context io(1);
    ClientStats rtmp_stats, hls_stats;
    const int total = players + pollers;
    const double ramp_s = ramp > 0 ? total / ramp : 0;
    const auto start = Clock::now();
    const auto until = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(ramp_s + duration));
    const double cpu0 = CpuSeconds();
    // Start clients spread over the ramp.
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
            asio::steady_timer t(io);
            for (int i = 0; i < total; ++i) {
                if (ramp > 0) {
                    t.expires_at(start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(i / ramp)));
                    co_await t.async_wait(asio::use_awaitable);
                }
                if (i < players) asio::co_spawn(io, RunRtmpPlayer(rtmp, until, batch_ms, rtmp_stats), asio::detached);
                else asio::co_spawn(io, RunHlsPoller(hls, until, hls_stats), asio::detached);
            }
        },
        asio::detached);
    asio::steady_timer stop(io);
    stop.expires_at(until + std::chrono::seconds(2));
    stop.async_wait([&](auto) { io.stop(); });
    io.run();
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const double cpu = CpuSeconds() - cpu0;
    if (json) {
        std::printf("{%s,%s,\"bench_cpu_percent\":%.1f,\"bench_rss_kb\":%ld,\"seconds\":%.1f}\n",
                    Json("rtmp", rtmp_stats, seconds).c_str(), Json("hls", hls_stats, seconds).c_str(),
                    100 * cpu / seconds, RssKb(), seconds);
    } else {
        auto print = [&](const char* kind, const ClientStats& s) {
            if (!s.started) return;
            std::printf("%-5s started %llu connected %llu failed %llu  %.1f Mbit/s  stalls %llu  start-up p50 %.0f ms "
                        "p95 %.0f ms\n",
                        kind, static_cast<unsigned long long>(s.started), static_cast<unsigned long long>(s.connected),
                        static_cast<unsigned long long>(s.failed), static_cast<double>(s.bytes) * 8 / 1e6 / seconds,
                        static_cast<unsigned long long>(s.stalls), ClientStats::Percentile(s.startup_ms, 0.5),
                        ClientStats::Percentile(s.startup_ms, 0.95));
        };
        print("rtmp", rtmp_stats);
        print("hls", hls_stats);
        std::printf("bench cpu %.1f%%  rss %ld KB\n", 100 * cpu / seconds, RssKb());
    }
    return 0;
}
