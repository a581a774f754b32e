// SPDX-License-Identifier: Apache-2.0
#include "onair/server/server_context.h"

namespace onair::server {

ServerMetrics::ServerMetrics(runtime::Metrics& r)
    : rtmp_connections(r.gauge("onair_rtmp_connections", "Open RTMP connections")),
      rtmp_publishers(r.gauge("onair_rtmp_publishers", "RTMP connections publishing")),
      rtmp_players(r.gauge("onair_rtmp_players", "RTMP connections playing")),
      http_connections(r.gauge("onair_http_connections", "Open HTTP connections")),
      broadcasts_live(r.gauge("onair_broadcasts_live", "Broadcasts currently live")),
      rtmp_bytes_received(r.counter("onair_rtmp_received_bytes_total", "Bytes received from RTMP clients")),
      rtmp_bytes_sent(r.counter("onair_rtmp_sent_bytes_total", "Bytes sent to RTMP clients")),
      http_bytes_sent(r.counter("onair_http_sent_bytes_total", "Bytes sent to HTTP clients")),
      http_requests(r.counter("onair_http_requests_total", "HTTP requests")),
      frames_dropped(r.counter("onair_frames_dropped_total",
                               "Frames dropped (slow players skipping to a keyframe, invalid frames)")),
      player_skips(r.counter("onair_player_skips_total", "Times a slow player skipped to the next keyframe")),
      publishes_accepted(r.counter("onair_publishes_accepted_total", "Publish requests accepted")),
      publishes_refused(r.counter("onair_publishes_refused_total", "Publish requests refused")),
      takeovers(r.counter("onair_publish_takeovers_total", "Publishers replaced by a new session on the same key")),
      timestamps_restamped(r.counter("onair_timestamps_restamped_total", "Non-monotonic timestamps re-stamped")),
      connections_rejected(r.counter("onair_connections_rejected_total", "Connections refused over the limit")) {}

}  // namespace onair::server
