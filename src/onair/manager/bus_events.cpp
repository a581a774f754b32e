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

void BusEventConsumer::OnEvent(std::string_view /*key*/, std::string_view json) {
    // Small events only: anything else on the topic is not ours to read.
    if (json.size() > 65536) return;
    auto event = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
    if (!event.is_object() || event.value("source", "") == "manager") return;
    if (event.value("type", "") != "media.gap") return;
    const auto& channel = event["channel"];
    if (!channel.is_object() || !channel.contains("name") || !channel["name"].is_string()) return;
    post_([this, event = std::move(event)] {
        try {
            service_.MediaGap(event["channel"]["name"].get<std::string>(), event);
        } catch (const std::exception& e) {
            static const runtime::Logger log("manager");
            log.Warn("malformed media.gap event skipped", {{"error.message", e.what()}});
        }
    });
}

}  // namespace onair::manager
