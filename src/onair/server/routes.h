// SPDX-License-Identifier: Apache-2.0
#pragma once
#include "onair/runtime/config.h"
#include "onair/runtime/metrics.h"
#include "onair/server/hls/hls_service.h"
#include "onair/server/http/http_dispatcher.h"
#include "onair/server/http/http_types.h"

namespace onair::server {

/// The HTTP surface of a node that serves HLS (`onair serve`, `onair edge`):
///   GET /healthz                               200 "ok"
///   GET /metrics                               Prometheus text format
///   GET /live/<channel>/index.m3u8             multivariant playlist
///   GET /live/<channel>/<rendition>/index.m3u8 media playlist; LL-HLS:
///       ?_HLS_msn=M[&_HLS_part=N] blocks until it holds that part (at
///       most 3 target durations, then 503), ?_HLS_skip=YES|v2 the delta
///   GET /live/<channel>/<rendition>/<n>.ts     segment (hls.container ts)
///   GET /live/<channel>/<rendition>/<n>.m4s    segment (fmp4; video/mp4)
///   GET /live/<channel>/<rendition>/<n>.<k>.m4s  LL-HLS part k of segment n;
///       the one in progress is streamed (chunked) as it is written
///   GET /live/<channel>/<rendition>/init-<id>.mp4  its init segment (fmp4)
/// (segment file names start with the broadcast's prefix, "<id>-").
/// Unknown paths are a small 404 that allocates nothing lasting. Almost
/// everything is answered at once by an inline handler; a blocking reload
/// or a part just ahead of this edge waits in a coroutine
/// (HttpDispatcher::HandleInlineOrAsync), cancelled if the client leaves.
void AddHlsRoutes(http::HttpDispatcher& routes, const runtime::Config& config, runtime::Metrics& metrics,
                  hls::HlsService& hls);

}  // namespace onair::server
