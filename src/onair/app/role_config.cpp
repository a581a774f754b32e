// SPDX-License-Identifier: Apache-2.0
#include "onair/app/role_config.h"

#include <filesystem>
#include <iostream>

#include "onair/app/environment.h"
#include "onair/runtime/logger.h"
#include "onair/runtime/signals.h"

namespace onair::app {

base::Result<runtime::Config> LoadRoleConfig(const RoleFlags& flags) {
    auto loaded = runtime::LoadConfig(flags.config_file, OnairEnvironment());
    if (!loaded.ok()) return loaded.error();
    runtime::Config config = std::move(loaded.value());
    if (!flags.rtmp_listen.empty()) config.rtmp.listen = flags.rtmp_listen;
    if (!flags.http_listen.empty()) config.http.listen = flags.http_listen;
    if (!flags.data_dir.empty()) config.data_dir = flags.data_dir;
    if (!flags.database.empty()) config.database = flags.database;
    if (!flags.manager_url.empty()) config.ingest.manager_url = flags.manager_url;
    if (!flags.bus_url.empty()) config.bus.url = flags.bus_url;
    if (!flags.node_id.empty()) config.node_id = flags.node_id;
    if (!flags.upstream.empty()) config.edge.upstream = flags.upstream;
    // Flags come after the config's own checks: check again.
    if (auto st = runtime::ValidateConfig(config); !st.ok()) return st.error();
    runtime::SetLogLevel(config.log.level);
    runtime::SetLogFormat(config.log.format);
    std::error_code ec;
    std::filesystem::create_directories(config.data_dir, ec);
    if (ec) {
        return base::Error{base::ErrorCode::kIo,
                           "cannot create data directory " + config.data_dir + ": " + ec.message()};
    }
    return config;
}

void ShowGeneratedAdminToken(const std::string& token) {
    std::cerr << "\n"
              << "  onair: a new admin token was generated. It is shown this once; only its hash is kept.\n"
              << "  Sign in to the dashboard (/dashboard/) and call the API with it:\n\n"
              << "      " << token << "\n\n"
              << "  Set manager.admin_token (or ONAIR_MANAGER_ADMIN_TOKEN) to choose your own.\n\n";
}

void RunUntilSignal(runtime::IoPool& pool, const runtime::Logger& log, std::function<void()> stop) {
    runtime::Signals signals(pool.Next(), [&] {
        log.Info("shutting down", {});
        stop();
        pool.Stop();
    });
    pool.Run();
    pool.Join();
    log.Info("stopped", {});
}

}  // namespace onair::app
