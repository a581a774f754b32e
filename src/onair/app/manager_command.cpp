// SPDX-License-Identifier: Apache-2.0
#include "onair/app/manager_command.h"

#include <iostream>

#include "onair/app/manager_stack.h"
#include "onair/app/role_config.h"
#include "onair/runtime/io_pool.h"
#include "onair/runtime/logger.h"
#include "onair/runtime/metrics.h"
#include "onair/server/health_routes.h"
#include "onair/server/http/http_server.h"
#include "onair/server/server_context.h"

namespace onair::app {

namespace {

int RunManager(const RoleFlags& flags) {
    auto config = LoadRoleConfig(flags);
    if (!config.ok()) {
        std::cerr << "onair: " << config.error().message << "\n";
        return 1;
    }
    runtime::Logger log("manager");
    auto http_ep = runtime::ParseEndpoint(config->http.listen);
    if (!http_ep.ok()) {
        std::cerr << "onair: " << http_ep.error().message << "\n";
        return 1;
    }
    // Declared before the IO pool: it outlives every connection.
    auto stack = ManagerStack::Open(*config);
    if (!stack.ok()) {
        std::cerr << "onair: " << stack.error().message << "\n";
        return 1;
    }
    runtime::Metrics metrics;
    server::ServerMetrics counters(metrics);
    runtime::IoPool pool(config->threads);
    server::http::HttpDispatcher routes;
    (*stack)->AddRoutes(routes);
    routes.Handle("/", server::MakeHealthRoutes(metrics));
    server::http::HttpServer http(pool, config->http, counters, std::move(routes));
    if (auto st = http.Listen(http_ep.value()); !st.ok()) {
        std::cerr << "onair: " << st.error().message << "\n";
        return 1;
    }
    if ((*stack)->generated_token()) ShowGeneratedAdminToken(*(*stack)->generated_token());
    (*stack)->Start();
    http.Start();
    log.Info("onair manager serving", {{"onair.http_listen", config->http.listen},
                                       {"onair.http_port", http.port()},
                                       {"onair.store", std::string((*stack)->store().backend())}});
    RunUntilSignal(pool, log, [&] { http.Stop(); });
    return 0;
}

}  // namespace

void AddManagerCommand(CLI::App& root, int& exit_code) {
    auto flags = std::make_shared<RoleFlags>();
    auto* cmd = root.add_subcommand("manager", "Run the manager alone: REST API, dashboard, publish hooks, events");
    cmd->add_option("--config", flags->config_file, "YAML configuration file");
    cmd->add_option("--http-listen", flags->http_listen, "HTTP listen address (default 0.0.0.0:8080)");
    cmd->add_option("--data-dir", flags->data_dir, "Data directory (default ./onair-data)");
    cmd->add_option("--database", flags->database,
                    "postgres://... or a SQLite file (default <data-dir>/onair.db)");
    cmd->callback([flags, &exit_code] { exit_code = RunManager(*flags); });
}

}  // namespace onair::app
