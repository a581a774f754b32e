// SPDX-License-Identifier: Apache-2.0
#include "onair/app/node.h"

#include <csignal>
#include <iostream>
#include <boost/asio/signal_set.hpp>
#include <memory>
#include <optional>

#include "onair/app/cache_node.h"
#include "onair/app/edge_node.h"
#include "onair/app/manager_stack.h"
#include "onair/app/origin_node.h"
#include "onair/app/transcoder_node.h"
#include "onair/bus/open_bus.h"
#include "onair/manager/remote_publish_gate.h"
#include "onair/router/stream_hub.h"
#include "onair/runtime/io_pool.h"
#include "onair/runtime/logger.h"
#include "onair/runtime/memory_trimmer.h"
#include "onair/runtime/metrics.h"
#include "onair/server/bus/media_exporter.h"
#include "onair/server/health_routes.h"
#include "onair/server/http/access_log.h"
#include "onair/server/http/http_server.h"
#include "onair/server/routes.h"
#include "onair/server/rtmp/rtmp_server.h"

namespace onair::app {

namespace {

int Fail(const std::string& message) {
    std::cerr << "onair: " << message << "\n";
    return 1;
}

std::string RoleName(const Roles& r) {
    if (r.ingest && r.edge && r.manager) return "serve";
    if (r.ingest) return "ingest";
    if (r.edge) return "edge";
    if (r.transcoder) return "transcoder";
    if (r.origin) return "origin";
    return "manager";
}

}  // namespace

int RunNode(const Roles& roles, const RoleFlags& flags, int threads) {
    auto loaded = LoadRoleConfig(flags);
    if (!loaded.ok()) return Fail(loaded.error().message);
    const runtime::Config config = std::move(loaded.value());
    const std::string role = RoleName(roles);
    runtime::Logger log(role);
    const bool in_process = config.bus.url == "in-process";
    // `onair edge --upstream`: a pull-through cache of another edge or origin;
    // a bus only to report its viewers.
    const bool pull_through = roles.edge && role == "edge" && !config.edge.upstream.empty();
    if (in_process && role != "serve" && role != "manager" && !pull_through)
        return Fail("onair " + role + " shares its broadcasts over a bus: give --bus kafka://HOST:PORT (or bus.url)");
    std::optional<runtime::Endpoint> rtmp_ep;
    if (roles.ingest) {
        auto ep = runtime::ParseEndpoint(config.rtmp.listen);
        if (!ep.ok()) return Fail(ep.error().message);
        rtmp_ep = ep.value();
    }
    auto http_ep = runtime::ParseEndpoint(config.http.listen);
    if (!http_ep.ok()) return Fail(http_ep.error().message);

    // Declaration order is teardown order, reversed: the bus outlives
    // everything that produces to it or consumes from it.
    runtime::Metrics metrics;
    server::ServerMetrics counters(metrics);
    auto opened_bus = bus::OpenBus(config, metrics, config.node_id);
    if (!opened_bus.ok()) return Fail(opened_bus.error().message);
    std::unique_ptr<bus::Bus> bus = std::move(opened_bus.value());

    // The manager runs here unless an ingest asks a remote one
    // (ingest.manager_url). Declared before the IO pool: the connections'
    // last reports reach it while the pool winds down.
    std::unique_ptr<ManagerStack> manager;
    if (roles.manager && !(roles.ingest && !config.ingest.manager_url.empty())) {
        auto stack = ManagerStack::Open(config);
        if (!stack.ok()) return Fail(stack.error().message);
        manager = std::move(stack.value());
        manager->AttachBus(*bus);
    }
    if (roles.ingest && !manager && config.ingest.manager_url.empty())
        return Fail("onair ingest asks a manager who may publish: give --manager-url http://HOST:PORT");

    router::BroadcastOptions broadcast_options;
    broadcast_options.segment_target_ticks = config.hls.segment_duration_ms * 90;
    router::StreamHub hub(broadcast_options);
    server::bus::MediaExporter exporter(*bus);
    if (roles.ingest) hub.AddListener(&exporter);

    std::unique_ptr<EdgeNode> edge;
    std::unique_ptr<CacheNode> cache;
    if (pull_through) {
        auto made = CacheNode::Make(config, *bus, metrics);
        if (!made.ok()) return Fail(made.error().message);
        cache = std::move(made.value());
    } else if (roles.edge) {
        edge = std::make_unique<EdgeNode>(config, *bus, metrics);
    }
    // `onair transcoder` always transcodes; `onair serve` unless told not to.
    std::unique_ptr<TranscoderNode> transcoder;
    if (role == "transcoder" || (role == "serve" && config.transcode.enabled)) {
        auto made = TranscoderNode::Make(config, *bus, metrics);
        if (!made.ok()) return Fail(made.error().message);
        transcoder = std::move(made.value());
    }

    std::unique_ptr<OriginNode> origin;
    if (role == "origin" || (role == "serve" && config.origin.enabled))
        origin = std::make_unique<OriginNode>(config, *bus, metrics);

    // The HTTP access log (http.access_log; "auto": on for `onair edge`, the
    // tier that faces viewers). Outlives the pool: connections write to it.
    const std::string access_target =
        config.http.access_log == "auto" ? (role == "edge" ? "stderr" : "off") : config.http.access_log;
    std::unique_ptr<server::http::AccessLog> access_log;
    if (access_target != "off") {
        auto opened = server::http::AccessLog::Open({access_target, role, config.node_id}, metrics);
        if (!opened.ok()) return Fail(opened.error().message);
        access_log = std::move(opened.value());
    }

    // Also outlives the pool (connections' destructors report to it); its
    // requests run on the pool.
    std::unique_ptr<manager::RemotePublishGate> remote_gate;
    runtime::IoPool pool(threads > 0 ? static_cast<unsigned>(threads) : config.threads);
    if (roles.ingest && !manager) {
        remote_gate = std::make_unique<manager::RemotePublishGate>(
            pool.Next().get_executor(), config.ingest.manager_url, config.ingest.manager_token,
            std::chrono::milliseconds(config.ingest.hook_timeout_ms));
    }
    std::optional<server::ServerContext> ctx;
    std::unique_ptr<server::rtmp::RtmpServer> rtmp;
    if (roles.ingest) {
        server::PublishGate& gate = manager ? manager->local_gate() : *remote_gate;
        ctx.emplace(server::ServerContext{config, hub, metrics, counters, gate});
        rtmp = std::make_unique<server::rtmp::RtmpServer>(pool, *ctx);
    }

    server::http::HttpDispatcher routes;
    if (manager) manager->AddRoutes(routes);
    if (origin) origin->AddRoutes(routes);
    if (cache) {
        auto serve = [c = &cache->cache()](const server::http::HttpRequest& req) { return c->Serve(req); };
        routes.HandleAsync("/" + config.rtmp.app, serve);
        routes.HandleAsync("/vod", serve);
    }
    if (edge) server::AddHlsRoutes(routes, config, metrics, edge->hls());
    else routes.Handle("/", server::MakeHealthRoutes(metrics));
    server::http::HttpServer http(pool, config.http, counters, std::move(routes));
    if (access_log) http.AddObserver(access_log.get());
    if (edge) http.AddObserver(&edge->audience_observer());
    if (cache) http.AddObserver(&cache->audience_observer());
    // SIGHUP reopens an access-log file (logrotate); without one it keeps its default.
    boost::asio::signal_set hup(pool.Next());
    std::function<void()> wait_hup = [&] {
        hup.async_wait([&](const boost::system::error_code& ec, int) {
            if (ec) return;
            access_log->Reopen();
            wait_hup();
        });
    };
    if (access_log && access_target != "stderr") {
        hup.add(SIGHUP);
        wait_hup();
    }
    if (rtmp) {
        if (auto st = rtmp->Listen(*rtmp_ep); !st.ok()) return Fail(st.error().message);
    }
    if (auto st = http.Listen(http_ep.value()); !st.ok()) return Fail(st.error().message);
    if (edge) {
        if (auto st = edge->Start(); !st.ok()) return Fail(st.error().message);
    }
    if (cache) cache->Start();
    if (transcoder) {
        if (auto st = transcoder->Start(); !st.ok()) return Fail(st.error().message);
    }
    if (origin) {
        if (auto st = origin->Start(); !st.ok()) return Fail(st.error().message);
    }
    if (manager && manager->generated_token()) ShowGeneratedAdminToken(*manager->generated_token());
    if (manager) manager->Start();
    if (rtmp) rtmp->Start();
    http.Start();
    log.Info("onair " + role + " serving",
             {{"onair.rtmp_listen", rtmp ? config.rtmp.listen : ""},
              {"onair.http_listen", config.http.listen},
              {"onair.bus.url", bus->describe()},
              {"onair.data_dir", config.data_dir},
              {"onair.store", manager ? std::string(manager->store().backend()) : "remote manager"},
              {"onair.node", config.node_id},
              {"onair.transcoding", transcoder != nullptr},
              {"onair.recording.enabled", origin != nullptr},
              {"onair.edge.upstream", cache ? config.edge.upstream : ""},
              {"onair.rtmp_port", rtmp ? rtmp->port() : 0},
              {"onair.http_port", http.port()}});

    runtime::MemoryTrimmer trimmer(pool.Next(), std::chrono::milliseconds(config.memory_trim_ms));
    trimmer.Start();
    RunUntilSignal(pool, log, [&] {
        trimmer.Stop();
        if (rtmp) rtmp->Stop();
        http.Stop();
        hub.EndAll();
    });
    if (transcoder) transcoder->Stop();
    if (origin) origin->Stop();
    if (edge) edge->Stop();
    if (cache) cache->Stop();
    return 0;
}

}  // namespace onair::app
