// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <CLI/CLI.hpp>

namespace onair::app {

/// `onair manager`: the manager role alone — REST API, dashboard, publish
/// hooks (JSON and nginx-rtmp), broadcast events and webhooks.
void AddManagerCommand(CLI::App& root, int& exit_code);

}  // namespace onair::app
