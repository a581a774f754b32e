// SPDX-License-Identifier: Apache-2.0
#include "onair/app/role_commands.h"

#include <memory>

#include "onair/app/node.h"

namespace onair::app {

namespace {

struct CommandOptions {
    RoleFlags flags;
    int threads = 0;
};

/// The flags of a role; `rtmp`: it listens for RTMP; `manager_url`: it may
/// ask a remote manager.
std::shared_ptr<CommandOptions> AddRoleFlags(CLI::App* cmd, bool rtmp, bool manager_url, bool store) {
    auto o = std::make_shared<CommandOptions>();
    cmd->add_option("--config", o->flags.config_file, "YAML configuration file");
    if (rtmp) cmd->add_option("--rtmp-listen", o->flags.rtmp_listen, "RTMP listen address (default 0.0.0.0:1935)");
    cmd->add_option("--http-listen", o->flags.http_listen, "HTTP listen address (default 0.0.0.0:8080)");
    cmd->add_option("--data-dir", o->flags.data_dir, "Data directory (default ./onair-data)");
    if (store)
        cmd->add_option("--database", o->flags.database,
                        "Database: postgres://USER@HOST:PORT/DB, sqlite:PATH or PATH (default <data-dir>/onair.db)");
    if (manager_url)
        cmd->add_option("--manager-url", o->flags.manager_url,
                        "Ask this remote manager (http://HOST:PORT) who may publish");
    cmd->add_option("--bus", o->flags.bus_url,
                    "What carries broadcasts between roles: in-process, or kafka://HOST:PORT[,HOST:PORT...]");
    cmd->add_option("--node-id", o->flags.node_id, "This node's name in logs, events and broadcasts");
    cmd->add_option("--threads", o->threads, "IO threads (default: one per core)");
    return o;
}

void AddRole(CLI::App& root, int& exit_code, const char* name, const char* help, Roles roles, bool rtmp,
             bool manager_url, bool store) {
    auto* cmd = root.add_subcommand(name, help);
    auto options = AddRoleFlags(cmd, rtmp, manager_url, store);
    cmd->callback([options, roles, &exit_code] { exit_code = RunNode(roles, options->flags, options->threads); });
}

}  // namespace

void AddServeCommand(CLI::App& root, int& exit_code) {
    AddRole(root, exit_code, "serve", "Run every role in one process: RTMP ingest, transcoder, origin, HLS, manager",
            Roles{.ingest = true, .edge = true, .manager = true}, true, true, true);
}

void AddIngestCommand(CLI::App& root, int& exit_code) {
    AddRole(root, exit_code, "ingest", "Run the RTMP ingest alone: publishes verified by --manager-url, media onto --bus",
            Roles{.ingest = true}, true, true, false);
}

void AddEdgeCommand(CLI::App& root, int& exit_code) {
    auto* cmd = root.add_subcommand(
        "edge", "Run an edge alone: broadcasts from --bus, packaged as HLS, served to viewers; or, with --upstream, "
                "a pull-through cache of another edge or origin");
    auto options = AddRoleFlags(cmd, false, false, false);
    cmd->add_option("--upstream", options->flags.upstream,
                    "Serve /live and /vod from this edge or origin (http://HOST:PORT), cached in memory, "
                    "instead of reading the bus");
    cmd->callback(
        [options, &exit_code] { exit_code = RunNode(Roles{.edge = true}, options->flags, options->threads); });
}

void AddTranscoderCommand(CLI::App& root, int& exit_code) {
    AddRole(root, exit_code, "transcoder",
            "Run a transcoder alone: broadcasts from --bus (a consumer group), ABR renditions back onto it",
            Roles{.transcoder = true}, false, false, false);
}

void AddOriginCommand(CLI::App& root, int& exit_code) {
    AddRole(root, exit_code, "origin",
            "Run an origin alone: broadcasts from --bus recorded at full quality, served back as VOD under /vod/",
            Roles{.origin = true}, false, false, false);
}

void AddManagerCommand(CLI::App& root, int& exit_code) {
    AddRole(root, exit_code, "manager", "Run the manager alone: REST API, dashboard, publish hooks, events",
            Roles{.manager = true}, false, false, true);
}

}  // namespace onair::app
