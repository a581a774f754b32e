// SPDX-License-Identifier: Apache-2.0
#include "onair/bus/bus_metrics.h"

namespace onair::bus {

namespace {
constexpr const char* kProduced = "onair_bus_records_produced_total";
constexpr const char* kProducedHelp = "Records handed to the bus";
constexpr const char* kDelivered = "onair_bus_records_delivered_total";
constexpr const char* kDeliveredHelp = "Records the log acknowledged";
constexpr const char* kDropped = "onair_bus_records_dropped_total";
constexpr const char* kDroppedHelp = "Records lost before the log had them, by reason";
constexpr const char* kConsumed = "onair_bus_records_consumed_total";
constexpr const char* kConsumedHelp = "Records read from the bus";
constexpr const char* kLag = "onair_bus_consumer_lag_records";
constexpr const char* kLagHelp = "Records between a consumer's position and the end of the log, over its partitions";
}  // namespace

BusMetrics::BusMetrics(runtime::Metrics& r)
    : media_produced(r.counter(kProduced, kProducedHelp, "topic=\"media\"")),
      media_delivered(r.counter(kDelivered, kDeliveredHelp, "topic=\"media\"")),
      media_dropped_full(r.counter(kDropped, kDroppedHelp, "topic=\"media\",reason=\"buffer_full\"")),
      media_dropped_timeout(r.counter(kDropped, kDroppedHelp, "topic=\"media\",reason=\"timeout\"")),
      media_dropped_large(r.counter(kDropped, kDroppedHelp, "topic=\"media\",reason=\"too_large\"")),
      media_dropped_error(r.counter(kDropped, kDroppedHelp, "topic=\"media\",reason=\"error\"")),
      events_produced(r.counter(kProduced, kProducedHelp, "topic=\"events\"")),
      events_dropped(r.counter(kDropped, kDroppedHelp, "topic=\"events\",reason=\"any\"")),
      media_bytes_produced(r.counter("onair_bus_bytes_produced_total", "Media bytes handed to the bus (records as encoded)",
                                     "topic=\"media\"")),
      media_consumed(r.counter(kConsumed, kConsumedHelp, "topic=\"media\"")),
      media_bytes_consumed(r.counter("onair_bus_bytes_consumed_total", "Media bytes read from the bus (records as encoded)",
                                     "topic=\"media\"")),
      events_consumed(r.counter(kConsumed, kConsumedHelp, "topic=\"events\"")),
      records_invalid(r.counter("onair_bus_records_invalid_total",
                                "Records read from the bus that could not be decoded (skipped)")),
      buffered_bytes(r.gauge("onair_bus_buffered_bytes", "Media bytes produced and not yet acknowledged by the log")),
      media_lag(r.gauge(kLag, kLagHelp, "topic=\"media\"")),
      media_catch_up_ms(r.gauge("onair_bus_catch_up_ms",
                                "From subscribing to the media topic to having read up to its end (-1: not yet)")),
      events_lag(r.gauge(kLag, kLagHelp, "topic=\"events\"")),
      group_partitions(r.gauge("onair_bus_group_partitions",
                               "Partitions of the media topic this consumer-group member (a transcoder) holds")) {}

BusStats BusMetrics::Snapshot() const {
    BusStats s;
    s.media_produced = media_produced.Value();
    s.media_delivered = media_delivered.Value();
    s.media_dropped = media_dropped_full.Value() + media_dropped_timeout.Value() + media_dropped_large.Value() +
                      media_dropped_error.Value();
    s.events_produced = events_produced.Value();
    s.events_dropped = events_dropped.Value();
    s.records_consumed = media_consumed.Value() + events_consumed.Value();
    s.records_invalid = records_invalid.Value();
    s.buffered_bytes = buffered_bytes.Value();
    s.consumer_lag = media_lag.Value() + events_lag.Value();
    return s;
}

}  // namespace onair::bus
