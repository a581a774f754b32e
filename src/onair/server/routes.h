// SPDX-License-Identifier: Apache-2.0
#pragma once
#include "onair/runtime/config.h"
#include "onair/runtime/metrics.h"
#include "onair/server/hls/hls_service.h"
#include "onair/server/http/http_types.h"

namespace onair::server {

/// The HTTP surface of a node that serves HLS (`onair serve`, `onair edge`):
///   GET /healthz                               200 "ok"
///   GET /metrics                               Prometheus text format
///   GET /live/<channel>/index.m3u8             multivariant playlist
///   GET /live/<channel>/<rendition>/index.m3u8 media playlist
///   GET /live/<channel>/<rendition>/<n>.ts     segment (hls.container ts)
///   GET /live/<channel>/<rendition>/<n>.m4s    segment (fmp4; video/mp4)
///   GET /live/<channel>/<rendition>/init-<id>.mp4  its init segment (fmp4)
/// (segment file names start with the broadcast's prefix, "<id>-").
/// Unknown paths are a small 404 that allocates nothing lasting. Answers at
/// once: an inline handler (HttpDispatcher::Handle).
http::HttpHandler MakeRoutes(const runtime::Config& config, runtime::Metrics& metrics, hls::HlsService& hls);

}  // namespace onair::server
