// SPDX-License-Identifier: Apache-2.0
#include "onair/bus/open_bus.h"

#include "onair/bus/in_process_bus.h"
#include "onair/bus/kafka_bus.h"

namespace onair::bus {

namespace {

base::Result<std::map<std::string, std::string>> ParseProperties(const std::string& text) {
    std::map<std::string, std::string> out;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = text.find(',', pos);
        if (end == std::string::npos) end = text.size();
        const std::string item = text.substr(pos, end - pos);
        pos = end + 1;
        if (item.empty()) continue;
        const size_t eq = item.find('=');
        if (eq == std::string::npos || eq == 0)
            return base::MakeError(base::ErrorCode::kInvalidData,
                                   "config: bus.kafka_properties must be key=value,key=value");
        out[item.substr(0, eq)] = item.substr(eq + 1);
    }
    return out;
}

}  // namespace

int64_t LookbackMs(const runtime::Config& config) {
    return config.bus.lookback_ms > 0
               ? config.bus.lookback_ms
               : static_cast<int64_t>(config.hls.window_segments) * config.hls.segment_duration_ms;
}

base::Result<std::unique_ptr<Bus>> OpenBus(const runtime::Config& config, runtime::Metrics& metrics,
                                           const std::string& client_id) {
    const auto& b = config.bus;
    if (b.url == "in-process") {
        InProcessBusOptions o;
        o.retention_ms = LookbackMs(config);
        return std::unique_ptr<Bus>(std::make_unique<InProcessBus>(metrics, o));
    }
    constexpr std::string_view kScheme = "kafka://";
    if (b.url.rfind(kScheme, 0) != 0)
        return base::MakeError(base::ErrorCode::kInvalidData,
                               "bus: expected in-process or kafka://host:port[,host:port...]");
    auto properties = ParseProperties(b.kafka_properties);
    if (!properties.ok()) return properties.error();
    KafkaBusOptions o;
    o.brokers = b.url.substr(kScheme.size());
    while (!o.brokers.empty() && o.brokers.back() == '/') o.brokers.pop_back();
    o.media_topic = b.media_topic;
    o.events_topic = b.events_topic;
    o.renditions_topic = b.renditions_topic;
    o.group_session_timeout_ms = b.group_session_timeout_ms;
    o.client_id = client_id;
    o.buffer_bytes = b.buffer_bytes;
    o.delivery_timeout_ms = b.delivery_timeout_ms;
    o.linger_ms = b.linger_ms;
    o.fetch_wait_ms = b.fetch_wait_ms;
    o.max_record_bytes = b.max_record_bytes;
    o.idempotence = b.idempotence;
    o.properties = std::move(properties.value());
    return MakeKafkaBus(o, metrics);
}

}  // namespace onair::bus
