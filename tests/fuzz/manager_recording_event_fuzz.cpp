// SPDX-License-Identifier: Apache-2.0
// An origin's recording.* events come off the bus (Kafka: any producer):
// ParseRecordingEvent on arbitrary bytes never crashes, and anything it
// accepts is within the limits the store and the dashboard rely on — a valid
// channel name, a bounded id of URL-safe characters, no negative counters,
// URLs that are paths or http(s) without spaces, an error cut to its limit —
// and shows as JSON (valid UTF-8: dump() would throw otherwise).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "onair/manager/json_views.h"
#include "onair/manager/recording_events.h"

using namespace onair;

namespace {
void Check(bool ok) {
    if (!ok) std::abort();
}

bool SafeUrl(std::string_view url) {
    if (url.empty()) return true;
    if (!(url.starts_with('/') || url.starts_with("http://") || url.starts_with("https://"))) return false;
    if (url.starts_with("//") || url.size() > 2048) return false;
    for (char c : url)
        if (static_cast<unsigned char>(c) <= ' ') return false;
    return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto report = manager::ParseRecordingEvent(text);
    if (!report.ok()) {
        Check(!report.error().message.empty());
        return 0;
    }
    const store::Recording& r = report->recording;
    Check(manager::IsOriginRecordingEvent(report->type));
    Check(store::IsValidChannelName(r.channel));
    Check(!r.id.empty() && r.id.size() <= 128 && !r.broadcast_id.empty() && r.broadcast_id.size() <= 128);
    Check(r.state != store::RecordingState::kDeleting);
    Check(r.started_at_ms > 0 && r.ended_at_ms >= 0 && r.expires_at_ms >= 0);
    Check(r.duration_ms >= 0 && r.bytes >= 0 && r.segments >= 0 && r.discontinuities >= 0);
    Check(SafeUrl(r.vod_url) && SafeUrl(r.mp4_url));
    Check(r.error.size() <= manager::kMaxRecordingErrorBytes && r.node.size() <= 128);
    if (report->retention) Check(report->retention->max_age_s >= 0 && report->retention->max_bytes_per_channel >= 0);
    Check(!manager::RecordingJson(r).dump().empty());
    return 0;
}
