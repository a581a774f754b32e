// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <string>

#include <functional>

#include "onair/base/result.h"
#include "onair/runtime/config.h"
#include "onair/runtime/io_pool.h"
#include "onair/runtime/logger.h"

namespace onair::app {

/// The flags every long-running role shares; empty means "not given".
struct RoleFlags {
    std::string config_file;
    std::string rtmp_listen;
    std::string http_listen;
    std::string data_dir;
    std::string database;
    std::string manager_url;  // serve, ingest: a remote manager instead of the local one
    std::string bus_url;      // "in-process" or "kafka://host:port,..."
    std::string node_id;
    std::string upstream;     // edge: a pull-through cache of this edge or origin (http://HOST:PORT)
};

/// Config file + ONAIR_* environment, then the flags; sets up logging and
/// creates the data directory. The error is one line for the user.
base::Result<runtime::Config> LoadRoleConfig(const RoleFlags& flags);

/// Prints a just-generated admin token to stderr, once, with what to do
/// with it. Not through the logger: logs never hold secrets.
void ShowGeneratedAdminToken(const std::string& token);

/// Runs `pool` until SIGINT/SIGTERM; then `stop` (stop accepting, end
/// broadcasts) runs on an IO thread and the pool is stopped and joined.
void RunUntilSignal(runtime::IoPool& pool, const runtime::Logger& log, std::function<void()> stop);

}  // namespace onair::app
