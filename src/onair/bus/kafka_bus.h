// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "onair/base/result.h"
#include "onair/bus/bus.h"
#include "onair/runtime/metrics.h"

namespace onair::bus {

struct KafkaBusOptions {
    std::string brokers;  // bootstrap list, "host:port,host:port"
    std::string media_topic = "onair.media";
    std::string events_topic = "onair.events";
    std::string renditions_topic = "onair.renditions";
    /// A group member (SubscribeMediaGroup) silent this long is dropped from
    /// the group and its partitions go to the others.
    uint32_t group_session_timeout_ms = 6000;
    std::string client_id = "onair";
    /// Media produced but not yet acknowledged by the brokers (librdkafka's
    /// queue): the bound that holds a broker outage. Beyond it records are
    /// dropped and counted.
    size_t buffer_bytes = size_t{64} << 20;
    /// A record not acknowledged this long after it was produced is dropped
    /// (counted): the longest broker outage the buffer bridges.
    uint32_t delivery_timeout_ms = 30000;
    uint32_t linger_ms = 2;      // how long the producer waits to fill a batch
    uint32_t fetch_wait_ms = 10;  // how long a broker holds a fetch on an empty partition
    size_t max_record_bytes = size_t{4} << 20;  // larger records are dropped (counted)
    bool idempotence = true;
    /// Passed to librdkafka as they are (security.protocol, sasl.*, ...).
    std::map<std::string, std::string> properties;
};

/// The bus over Kafka (librdkafka; its headers stay inside this module).
/// Media records are encoded per docs/MEDIA_RECORDS.md, keyed by broadcast
/// id (one partition per broadcast, so in order), stamped with the ingest's
/// receive time (so consumers can seek by time). Events are JSON.
/// Subscriptions assign every partition of their topic without a consumer
/// group: every edge reads every broadcast.
base::Result<std::unique_ptr<Bus>> MakeKafkaBus(const KafkaBusOptions& options, runtime::Metrics& metrics);

}  // namespace onair::bus
