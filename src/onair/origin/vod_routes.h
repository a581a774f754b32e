// SPDX-License-Identifier: Apache-2.0
#pragma once
#include "onair/origin/recorder_service.h"
#include "onair/server/http/http_types.h"

namespace onair::origin {

/// The recordings over HTTP, under /vod/<recording id>/:
///   index.m3u8      while recording, an EVENT playlist of what is on disk;
///                   once finalized, the VOD playlist
///   init-<k>.mp4    init segments; <n>.m4s fragments (immutable)
///   recording.mp4   the progressive MP4, with Range (download, <video> seek)
/// Files are read on the caller's thread: register with
/// HttpDispatcher::HandleBlocking.
server::http::HttpHandler MakeVodRoutes(const RecorderService& recorder);

}  // namespace onair::origin
