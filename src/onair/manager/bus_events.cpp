// SPDX-License-Identifier: Apache-2.0
#include "onair/manager/bus_events.h"

#include <nlohmann/json.hpp>

#include "onair/runtime/logger.h"

namespace onair::manager {

void BusEventPublisher::OnEvent(const store::Event& event) {
    std::string key;
    auto body = nlohmann::json::parse(event.payload, nullptr, /*allow_exceptions=*/false);
    if (body.is_object() && body.contains("channel") && body["channel"].is_object())
        key = body["channel"].value("name", "");
    bus_.PublishEvent(key, event.payload);
}

namespace {

const runtime::Logger& Log() {
    static const runtime::Logger log("manager");
    return log;
}

}  // namespace

void BusEventConsumer::Skip(std::string_view type, std::string_view why) {
    // The first few in full, then one line per 100: a broken producer must
    // not flood the log.
    const uint64_t n = skipped_.fetch_add(1, std::memory_order_relaxed) + 1;
    if (n <= 10 || n % 100 == 0)
        Log().Warn("bus event skipped", {{"event.action", type}, {"error.message", why}, {"onair.skipped", n}});
}

void BusEventConsumer::OnEvent(std::string_view /*key*/, std::string_view json) {
    // Small events only: anything else on the topic is not ours to read.
    if (json.size() > kMaxRecordingEventBytes) return;
    auto event = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
    if (!event.is_object()) return;
    const auto source = event.find("source");
    if (source != event.end() && *source == "manager") return;
    const auto type_it = event.find("type");
    if (type_it == event.end() || !type_it->is_string()) return;
    const std::string type = type_it->get<std::string>();
    if (IsOriginRecordingEvent(type)) return OnRecordingEvent(event);
    if (type == "edge.stats") {
        if (json.size() > kMaxEdgeStatsEventBytes) return Skip(type, "event too large");
        // Memory only, no store: at once on the bus's thread, as the
        // ingests' stats are (one map update under the manager's lock).
        auto report = ParseEdgeStatsEvent(event);
        if (!report.ok()) return Skip(type, report.error().message);
        service_.EdgeStatsReported(report.value());
        return;
    }
    if (type != "media.gap") return;
    const auto& channel = event["channel"];
    if (!channel.is_object() || !channel.contains("name") || !channel["name"].is_string()) return;
    post_([this, event = std::move(event)] {
        try {
            service_.MediaGap(event["channel"]["name"].get<std::string>(), event);
        } catch (const std::exception& e) {
            Skip("media.gap", e.what());
        }
    });
}

void BusEventConsumer::OnRecordingEvent(const nlohmann::json& event) {
    auto report = ParseRecordingEvent(event);
    if (!report.ok()) return Skip(event.value("type", ""), report.error().message);
    post_([this, report = std::move(report.value())] {
        auto changed = service_.RecordingReported(report);
        if (!changed.ok()) Skip(report.type, changed.error().message);
    });
}

}  // namespace onair::manager
