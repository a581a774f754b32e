// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <atomic>
#include <cstdint>

#include "onair/router/stream_hub.h"
#include "onair/runtime/config.h"
#include "onair/runtime/metrics.h"
#include "onair/server/publish_gate.h"

namespace onair::server {

/// Counters every server updates; registered once in the metrics registry.
struct ServerMetrics {
    explicit ServerMetrics(runtime::Metrics& registry);

    runtime::Gauge& rtmp_connections;
    runtime::Gauge& rtmp_publishers;
    runtime::Gauge& rtmp_players;
    runtime::Gauge& http_connections;
    runtime::Gauge& broadcasts_live;
    runtime::Counter& rtmp_bytes_received;
    runtime::Counter& rtmp_bytes_sent;
    runtime::Counter& http_bytes_sent;
    runtime::Counter& http_requests;
    runtime::Counter& frames_dropped;
    runtime::Counter& player_skips;
    runtime::Counter& publishes_accepted;
    runtime::Counter& publishes_refused;
    runtime::Counter& takeovers;
    runtime::Counter& timestamps_restamped;
    runtime::Counter& connections_rejected;
};

/// What the servers share. Owned by the app; outlives every server.
struct ServerContext {
    const runtime::Config& config;
    router::StreamHub& hub;
    runtime::Metrics& metrics;
    ServerMetrics& counters;
    PublishGate& gate;  // who may publish; told of every broadcast's end and stats
};

}  // namespace onair::server
