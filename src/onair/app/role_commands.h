// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <CLI/CLI.hpp>

namespace onair::app {

/// `onair serve`: every role in one process (in-process bus, SQLite, local
/// data dir).
void AddServeCommand(CLI::App& root, int& exit_code);
/// `onair ingest`: RTMP in, each broadcast onto the bus; publishes are
/// verified by a remote manager's hook.
void AddIngestCommand(CLI::App& root, int& exit_code);
/// `onair edge`: the bus's broadcasts, packaged as HLS in memory, served.
void AddEdgeCommand(CLI::App& root, int& exit_code);
/// `onair manager`: the manager role alone — REST API, dashboard, publish
/// hooks (JSON and nginx-rtmp), broadcast events and webhooks.
void AddTranscoderCommand(CLI::App& root, int& exit_code);
void AddOriginCommand(CLI::App& root, int& exit_code);
void AddManagerCommand(CLI::App& root, int& exit_code);

}  // namespace onair::app
