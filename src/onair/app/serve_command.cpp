// SPDX-License-Identifier: Apache-2.0
#include "onair/app/serve_command.h"

#include <iostream>
#include <memory>

#include "onair/app/manager_stack.h"
#include "onair/app/role_config.h"
#include "onair/manager/remote_publish_gate.h"
#include "onair/router/stream_hub.h"
#include "onair/runtime/io_pool.h"
#include "onair/runtime/logger.h"
#include "onair/runtime/memory_trimmer.h"
#include "onair/runtime/metrics.h"
#include "onair/server/hls/hls_service.h"
#include "onair/server/http/http_server.h"
#include "onair/server/routes.h"
#include "onair/server/rtmp/rtmp_server.h"

namespace onair::app {

namespace {

struct ServeOptions {
    RoleFlags flags;
    int threads = 0;
};

int Fail(const std::string& message) {
    std::cerr << "onair: " << message << "\n";
    return 1;
}

int RunServe(const ServeOptions& options) {
    auto loaded = LoadRoleConfig(options.flags);
    if (!loaded.ok()) return Fail(loaded.error().message);
    const runtime::Config config = std::move(loaded.value());
    runtime::Logger log("serve");
    auto rtmp_ep = runtime::ParseEndpoint(config.rtmp.listen);
    auto http_ep = runtime::ParseEndpoint(config.http.listen);
    if (!rtmp_ep.ok() || !http_ep.ok()) return Fail((!rtmp_ep.ok() ? rtmp_ep.error() : http_ep.error()).message);

    // The manager runs here unless this node asks a remote one
    // (ingest.manager_url). Declared before the IO pool: the connections'
    // last reports reach it while the pool winds down.
    std::unique_ptr<ManagerStack> manager;
    if (config.ingest.manager_url.empty()) {
        auto opened = ManagerStack::Open(config);
        if (!opened.ok()) return Fail(opened.error().message);
        manager = std::move(opened.value());
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

    // Also outlives the pool (connections' destructors report to it); its
    // requests run on the pool.
    std::unique_ptr<manager::RemotePublishGate> remote_gate;
    runtime::IoPool pool(options.threads > 0 ? static_cast<unsigned>(options.threads) : config.threads);
    if (!manager) {
        remote_gate = std::make_unique<manager::RemotePublishGate>(
            pool.Next().get_executor(), config.ingest.manager_url, config.ingest.manager_token,
            std::chrono::milliseconds(config.ingest.hook_timeout_ms));
    }
    server::PublishGate& gate = manager ? manager->local_gate() : *remote_gate;
    server::ServerContext ctx{config, hub, metrics, counters, gate};

    server::rtmp::RtmpServer rtmp(pool, ctx);
    server::http::HttpDispatcher routes;
    if (manager) manager->AddRoutes(routes);
    routes.Handle("/", server::MakeRoutes(ctx, hls));
    server::http::HttpServer http(pool, config.http, counters, std::move(routes));
    if (auto st = rtmp.Listen(rtmp_ep.value()); !st.ok()) return Fail(st.error().message);
    if (auto st = http.Listen(http_ep.value()); !st.ok()) return Fail(st.error().message);
    if (manager && manager->generated_token()) ShowGeneratedAdminToken(*manager->generated_token());
    if (manager) manager->Start();
    rtmp.Start();
    http.Start();
    log.Info("onair serving", {{"onair.rtmp_listen", config.rtmp.listen},
                               {"onair.http_listen", config.http.listen},
                               {"onair.data_dir", config.data_dir},
                               {"onair.store", manager ? std::string(manager->store().backend()) : "remote manager"},
                               {"onair.node", config.node_id},
                               {"onair.rtmp_port", rtmp.port()},
                               {"onair.http_port", http.port()}});

    runtime::MemoryTrimmer trimmer(pool.Next(), std::chrono::milliseconds(config.memory_trim_ms));
    trimmer.Start();
    RunUntilSignal(pool, log, [&] {
        trimmer.Stop();
        rtmp.Stop();
        http.Stop();
        hub.EndAll();
    });
    return 0;
}

}  // namespace

void AddServeCommand(CLI::App& root, int& exit_code) {
    auto options = std::make_shared<ServeOptions>();
    auto* cmd = root.add_subcommand("serve", "Run every role in one process: RTMP ingest, HLS, manager");
    cmd->add_option("--config", options->flags.config_file, "YAML configuration file");
    cmd->add_option("--rtmp-listen", options->flags.rtmp_listen, "RTMP listen address (default 0.0.0.0:1935)");
    cmd->add_option("--http-listen", options->flags.http_listen, "HTTP listen address (default 0.0.0.0:8080)");
    cmd->add_option("--data-dir", options->flags.data_dir, "Data directory (default ./onair-data)");
    cmd->add_option("--database", options->flags.database,
                    "Database: postgres://USER@HOST:PORT/DB, sqlite:PATH or PATH (default <data-dir>/onair.db)");
    cmd->add_option("--manager-url", options->flags.manager_url,
                    "Ask this remote manager (http://HOST:PORT) who may publish, instead of running one here");
    cmd->add_option("--threads", options->threads, "IO threads (default: one per core)");
    cmd->callback([options, &exit_code] { exit_code = RunServe(*options); });
}

}  // namespace onair::app
