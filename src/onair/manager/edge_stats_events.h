// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "onair/base/result.h"

namespace onair::manager {

/// One edge's `edge.stats` event (docs/EVENTS.md): what it served of one
/// broadcast over its last report window.
struct EdgeStatsReport {
    std::string node;          // the edge's node_id
    std::string channel;       // a valid channel name
    std::string broadcast_id;  // the media records' broadcast id, as the edge names segments
    uint64_t viewers = 0;      // distinct clients within the edge's viewer window
    bool approximate = false;  // beyond the edge's cap: an estimate
    uint64_t bytes = 0;        // body bytes served in the window
    uint64_t requests = 0;
    int64_t window_ms = 0;     // 1..60000
};

/// An edge.stats event of more bytes than this is not read.
inline constexpr size_t kMaxEdgeStatsEventBytes = 4096;
/// Viewers per report beyond this are not believed (kInvalidData).
inline constexpr uint64_t kMaxEdgeViewers = uint64_t{1} << 32;

/// Reads an edge.stats event, checking each field: node and broadcast_id
/// 1-128 bytes of [A-Za-z0-9._:-], channel.name a valid channel name,
/// viewers/bytes/requests non-negative integers (viewers at most
/// kMaxEdgeViewers), window_ms 1..60000, viewers_approximate a boolean if
/// present. kUnsupported for another type, kInvalidData naming the field.
base::Result<EdgeStatsReport> ParseEdgeStatsEvent(const nlohmann::json& event);
/// The same from the event's bytes; kLimitExceeded over
/// kMaxEdgeStatsEventBytes, kInvalidData if it is not a JSON object.
base::Result<EdgeStatsReport> ParseEdgeStatsEvent(std::string_view json);

}  // namespace onair::manager
