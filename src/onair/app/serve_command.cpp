// SPDX-License-Identifier: Apache-2.0
#include "onair/app/serve_command.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>

#include "onair/app/environment.h"
#include "onair/router/stream_hub.h"
#include "onair/runtime/config.h"
#include "onair/runtime/io_pool.h"
#include "onair/runtime/logger.h"
#include "onair/runtime/memory_trimmer.h"
#include "onair/runtime/metrics.h"
#include "onair/runtime/signals.h"
#include "onair/server/hls/hls_service.h"
#include "onair/server/http/http_server.h"
#include "onair/server/routes.h"
#include "onair/server/rtmp/rtmp_server.h"
#include "onair/store/manager_store.h"

namespace onair::app {

namespace {

struct ServeOptions {
    std::string config_file;
    std::string rtmp_listen;
    std::string http_listen;
    std::string data_dir;
    std::string database;
    int threads = 0;
};

int RunServe(const ServeOptions& options) {
    auto loaded = runtime::LoadConfig(options.config_file, OnairEnvironment());
    if (!loaded.ok()) {
        std::cerr << "onair: " << loaded.error().message << "\n";
        return 1;
    }
    runtime::Config config = std::move(loaded.value());
    if (!options.rtmp_listen.empty()) config.rtmp.listen = options.rtmp_listen;
    if (!options.http_listen.empty()) config.http.listen = options.http_listen;
    if (!options.data_dir.empty()) config.data_dir = options.data_dir;
    if (!options.database.empty()) config.database = options.database;
    runtime::SetLogLevel(config.log.level);
    runtime::SetLogFormat(config.log.format);
    runtime::Logger log("serve");

    auto rtmp_ep = runtime::ParseEndpoint(config.rtmp.listen);
    auto http_ep = runtime::ParseEndpoint(config.http.listen);
    if (!rtmp_ep.ok() || !http_ep.ok()) {
        std::cerr << "onair: " << (!rtmp_ep.ok() ? rtmp_ep.error() : http_ep.error()).message << "\n";
        return 1;
    }
    std::error_code fs_ec;
    std::filesystem::create_directories(config.data_dir, fs_ec);
    if (fs_ec) {
        std::cerr << "onair: cannot create data directory " << config.data_dir << ": " << fs_ec.message() << "\n";
        return 1;
    }
    auto store = store::OpenStore(runtime::DatabaseLocation(config));
    if (!store.ok()) {
        std::cerr << "onair: " << store.error().message << "\n";
        return 1;
    }

    runtime::Metrics metrics;
    server::ServerMetrics counters(metrics);
    router::BroadcastOptions broadcast_options;
    broadcast_options.segment_target_ticks = config.hls.segment_duration_ms * 90;
    router::StreamHub hub(broadcast_options);
    server::hls::HlsOptions hls_options;
    hls_options.segment_target_ticks = config.hls.segment_duration_ms * 90;
    hls_options.window_segments = config.hls.window_segments;
    server::hls::HlsService hls(hls_options, std::chrono::seconds(60));
    hub.AddListener(&hls);
    server::ServerContext ctx{config, hub, *store.value(), metrics, counters};

    runtime::IoPool pool(options.threads > 0 ? static_cast<unsigned>(options.threads) : config.threads);
    server::rtmp::RtmpServer rtmp(pool, ctx);
    server::http::HttpDispatcher routes;
    routes.Handle("/", server::MakeRoutes(ctx, hls));
    server::http::HttpServer http(pool, config.http, counters, std::move(routes));
    if (auto st = rtmp.Listen(rtmp_ep.value()); !st.ok()) {
        std::cerr << "onair: " << st.error().message << "\n";
        return 1;
    }
    if (auto st = http.Listen(http_ep.value()); !st.ok()) {
        std::cerr << "onair: " << st.error().message << "\n";
        return 1;
    }
    rtmp.Start();
    http.Start();
    log.Info("onair serving", {{"onair.rtmp_listen", config.rtmp.listen},
                               {"onair.http_listen", config.http.listen},
                               {"onair.data_dir", config.data_dir},
                               {"onair.store", std::string(store.value()->backend())},
                               {"onair.rtmp_port", rtmp.port()},
                               {"onair.http_port", http.port()}});

    runtime::MemoryTrimmer trimmer(pool.Next(), std::chrono::milliseconds(config.memory_trim_ms));
    trimmer.Start();
    runtime::Signals signals(pool.Next(), [&] {
        log.Info("shutting down", {});
        trimmer.Stop();
        rtmp.Stop();
        http.Stop();
        hub.EndAll();
        pool.Stop();
    });
    pool.Run();
    pool.Join();
    log.Info("stopped", {});
    return 0;
}

}  // namespace

void AddServeCommand(CLI::App& root, int& exit_code) {
    auto options = std::make_shared<ServeOptions>();
    auto* cmd = root.add_subcommand("serve", "Run every role in one process: RTMP ingest, HLS, manager");
    cmd->add_option("--config", options->config_file, "YAML configuration file");
    cmd->add_option("--rtmp-listen", options->rtmp_listen, "RTMP listen address (default 0.0.0.0:1935)");
    cmd->add_option("--http-listen", options->http_listen, "HTTP listen address (default 0.0.0.0:8080)");
    cmd->add_option("--data-dir", options->data_dir, "Data directory (default ./onair-data)");
    cmd->add_option("--database", options->database,
                    "Database: postgres://USER@HOST:PORT/DB, sqlite:PATH or PATH (default <data-dir>/onair.db)");
    cmd->add_option("--threads", options->threads, "IO threads (default: one per core)");
    cmd->callback([options, &exit_code] { exit_code = RunServe(*options); });
}

}  // namespace onair::app
