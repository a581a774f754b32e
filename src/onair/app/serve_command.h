// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <CLI/CLI.hpp>

namespace onair::app {

/// `onair serve`: every role in one process (in-process hub, SQLite,
/// local data dir).
void AddServeCommand(CLI::App& root, int& exit_code);

}  // namespace onair::app
