// SPDX-License-Identifier: Apache-2.0
#pragma once
#include "onair/bus/bus.h"
#include "onair/runtime/metrics.h"

namespace onair::bus {

/// The bus's counters in the metrics registry (both implementations).
struct BusMetrics {
    explicit BusMetrics(runtime::Metrics& registry);

    runtime::Counter& media_produced;
    runtime::Counter& media_delivered;
    runtime::Counter& media_dropped_full;     // the buffer bound was reached
    runtime::Counter& media_dropped_timeout;  // not acknowledged within the delivery timeout
    runtime::Counter& media_dropped_large;    // larger than the largest record allowed
    runtime::Counter& media_dropped_error;    // refused for another reason
    runtime::Counter& events_produced;
    runtime::Counter& events_dropped;
    runtime::Counter& media_bytes_produced;  // encoded (Kafka) or payload (in-process) bytes
    runtime::Counter& media_consumed;
    runtime::Counter& media_bytes_consumed;
    runtime::Counter& events_consumed;
    runtime::Counter& records_invalid;
    runtime::Gauge& buffered_bytes;
    runtime::Gauge& media_lag;
    runtime::Gauge& media_catch_up_ms;  // from subscribing to reaching the end of the log
    runtime::Gauge& events_lag;
    runtime::Gauge& group_partitions;  // partitions this member of a consumer group holds

    BusStats Snapshot() const;
};

}  // namespace onair::bus
