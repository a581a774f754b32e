// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "onair/base/result.h"

namespace onair::app {

/// What `onair lb-config` is asked for: the nginx load balancer in front of
/// a set of edges (deploy/nginx/README.md explains every directive).
struct LbConfig {
    std::vector<std::string> edges;  // HOST:PORT each (a name, IPv4 or [IPv6])
    std::string listen = "0.0.0.0:80";
    std::string access_log = "/var/log/nginx/onair-lb.access.json";
    std::string app = "live";  // the path prefix of live broadcasts: /live/<channel>/...
    bool http_only = false;    // only what goes inside an existing `http {}`
};

/// The nginx configuration for `config`: a whole nginx.conf that runs on its
/// own (`nginx -p PREFIX -c FILE`, every relative path under PREFIX), or with
/// `http_only` the directives that go inside an existing `http {}` block
/// (Debian: /etc/nginx/conf.d/onair-lb.conf). The full file is the fragment
/// inside `http {}` plus the main context. Every value is checked before it
/// reaches the text (no `;`, braces, quotes or `$` from the command line into
/// nginx's syntax): kInvalidData says which one is wrong.
base::Result<std::string> RenderNginxLbConfig(const LbConfig& config);

/// `onair lb-config --edge HOST:PORT [--edge ...] [--listen HOST:PORT]
/// [--access-log PATH] [--app live] [--http-only]`: prints the config.
void AddLbConfigCommand(CLI::App& root, int& exit_code);

}  // namespace onair::app
