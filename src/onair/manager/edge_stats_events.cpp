// SPDX-License-Identifier: Apache-2.0
#include "onair/manager/edge_stats_events.h"

#include "onair/store/records.h"

namespace onair::manager {

namespace {

base::Error Invalid(std::string_view field) {
    return base::MakeError(base::ErrorCode::kInvalidData, "edge.stats: bad " + std::string(field));
}

bool ValidId(const nlohmann::json& j) {
    if (!j.is_string()) return false;
    const auto& s = j.get_ref<const std::string&>();
    if (s.empty() || s.size() > 128) return false;
    for (char c : s) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '_' || c == '-' || c == ':';
        if (!ok) return false;
    }
    return true;
}

// A non-negative integer (JSON numbers without a fraction), or nullopt.
std::optional<uint64_t> Count(const nlohmann::json& event, const char* key) {
    const auto it = event.find(key);
    if (it == event.end()) return std::nullopt;
    if (it->is_number_unsigned()) return it->get<uint64_t>();
    if (it->is_number_integer() && it->get<int64_t>() >= 0) return static_cast<uint64_t>(it->get<int64_t>());
    return std::nullopt;
}

}  // namespace

base::Result<EdgeStatsReport> ParseEdgeStatsEvent(const nlohmann::json& event) {
    if (!event.is_object()) return Invalid("event");
    const auto type = event.find("type");
    if (type == event.end() || *type != "edge.stats")
        return base::MakeError(base::ErrorCode::kUnsupported, "not an edge.stats event");
    EdgeStatsReport r;
    const auto node = event.find("node");
    if (node == event.end() || !ValidId(*node)) return Invalid("node");
    r.node = node->get<std::string>();
    const auto channel = event.find("channel");
    if (channel == event.end() || !channel->is_object()) return Invalid("channel");
    const auto name = channel->find("name");
    if (name == channel->end() || !name->is_string() || !store::IsValidChannelName(name->get_ref<const std::string&>()))
        return Invalid("channel.name");
    r.channel = name->get<std::string>();
    const auto id = event.find("broadcast_id");
    if (id == event.end() || !ValidId(*id)) return Invalid("broadcast_id");
    r.broadcast_id = id->get<std::string>();
    const auto viewers = Count(event, "viewers");
    if (!viewers || *viewers > kMaxEdgeViewers) return Invalid("viewers");
    r.viewers = *viewers;
    const auto bytes = Count(event, "bytes");
    if (!bytes) return Invalid("bytes");
    r.bytes = *bytes;
    const auto requests = Count(event, "requests");
    if (!requests) return Invalid("requests");
    r.requests = *requests;
    const auto window = Count(event, "window_ms");
    if (!window || *window < 1 || *window > 60000) return Invalid("window_ms");
    r.window_ms = static_cast<int64_t>(*window);
    if (const auto a = event.find("viewers_approximate"); a != event.end()) {
        if (!a->is_boolean()) return Invalid("viewers_approximate");
        r.approximate = a->get<bool>();
    }
    return r;
}

base::Result<EdgeStatsReport> ParseEdgeStatsEvent(std::string_view json) {
    if (json.size() > kMaxEdgeStatsEventBytes)
        return base::MakeError(base::ErrorCode::kLimitExceeded, "edge.stats: event too large");
    auto event = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
    if (!event.is_object()) return Invalid("event");
    return ParseEdgeStatsEvent(event);
}

}  // namespace onair::manager
