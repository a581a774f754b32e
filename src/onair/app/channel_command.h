// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <CLI/CLI.hpp>

namespace onair::app {

/// `onair channel create|list|rotate-key|delete NAME [--data-dir DIR]
/// [--config FILE] [--json]`: works on the local SQLite database; the server
/// need not run.
void AddChannelCommands(CLI::App& root, int& exit_code);

}  // namespace onair::app
