// SPDX-License-Identifier: Apache-2.0
// An edge's edge.stats events come off the bus (Kafka: any producer):
// ParseEdgeStatsEvent on arbitrary bytes never crashes, and anything it
// accepts is within the limits the manager's sums rely on — a valid channel
// name, bounded ids of safe characters, viewers within kMaxEdgeViewers, a
// window of 1..60000 ms.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "onair/manager/edge_stats_events.h"
#include "onair/store/records.h"

using namespace onair;

namespace {
void Check(bool ok) {
    if (!ok) std::abort();
}
bool SafeId(std::string_view s) {
    if (s.empty() || s.size() > 128) return false;
    for (char c : s)
        if (static_cast<unsigned char>(c) <= ' ' || c == '"' || c == '/' || static_cast<unsigned char>(c) >= 0x7f)
            return false;
    return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto report = manager::ParseEdgeStatsEvent(text);
    if (!report.ok()) {
        Check(!report.error().message.empty());
        return 0;
    }
    Check(size <= manager::kMaxEdgeStatsEventBytes);
    Check(store::IsValidChannelName(report->channel));
    Check(SafeId(report->node) && SafeId(report->broadcast_id));
    Check(report->viewers <= manager::kMaxEdgeViewers);
    Check(report->window_ms >= 1 && report->window_ms <= 60000);
    return 0;
}
