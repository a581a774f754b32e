// SPDX-License-Identifier: Apache-2.0
#pragma once
#include "onair/runtime/metrics.h"
#include "onair/server/http/http_types.h"

namespace onair::server {

/// What every role serves:
///   GET /healthz   200 "ok"
///   GET /metrics   Prometheus text format
/// Anything else is a 404. Answers at once (an inline handler).
http::HttpHandler MakeHealthRoutes(runtime::Metrics& metrics);

}  // namespace onair::server
