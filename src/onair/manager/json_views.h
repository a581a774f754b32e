// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <nlohmann/json.hpp>
#include <optional>

#include "onair/manager/channel_urls.h"
#include "onair/server/publish_gate.h"
#include "onair/store/records.h"

namespace onair::manager {

/// The JSON shapes the API, the events and the webhooks share (documented
/// in docs/openapi.json). Times are RFC 3339 UTC strings with milliseconds.

std::string Rfc3339(int64_t ms_since_epoch);

nlohmann::json StatsJson(const server::BroadcastStats& stats);
/// From the ingests' report body; missing fields stay zero, wrong types are
/// an error (nlohmann::json::type_error).
server::BroadcastStats StatsFromJson(const nlohmann::json& j);

/// {"id","channel","node","client_ip","started_at","ended_at"|null,"end_reason"|null,
///  "duration_ms","stats"|null}
nlohmann::json BroadcastJson(const store::Broadcast& broadcast, const std::optional<server::BroadcastStats>& stats,
                             int64_t now_ms);

/// A recording as the API shows it (docs/openapi.json, Recording):
/// {"id","channel","broadcast_id","state","started_at","ended_at"|null,"duration_ms","bytes",
///  "segments","discontinuities","vod_url"|null,"mp4_url"|null,"expires_at"|null,"error"|null}
nlohmann::json RecordingJson(const store::Recording& recording);

/// A channel as the API shows it (docs/openapi.json, Channel): where to
/// publish and play, and its live broadcast if `live` is set. Never the key.
nlohmann::json ChannelJson(const store::Channel& channel, const ChannelUrls& urls,
                           const std::optional<store::Broadcast>& live,
                           const std::optional<server::BroadcastStats>& stats, int64_t now_ms);

}  // namespace onair::manager
