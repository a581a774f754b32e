// SPDX-License-Identifier: Apache-2.0
#include "onair/manager/recording_events.h"

#include <array>
#include <limits>

#include "onair/format/hls/date_time.h"

namespace onair::manager {

namespace {

using nlohmann::json;

constexpr size_t kMaxIdBytes = 128;
constexpr size_t kMaxUrlBytes = 2048;
constexpr size_t kMaxNodeBytes = 128;

constexpr std::array<std::string_view, 5> kOriginTypes = {
    "recording.started", "recording.updated", "recording.finalized", "recording.failed", "recording.deleted"};

base::Error Bad(std::string_view field, std::string_view what) {
    return base::Error{base::ErrorCode::kInvalidData,
                       "recording event: field '" + std::string(field) + "' " + std::string(what)};
}

bool IsIdChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
}

bool IsValidId(std::string_view id) {
    if (id.empty() || id.size() > kMaxIdBytes) return false;
    for (char c : id)
        if (!IsIdChar(c)) return false;
    return true;
}

bool IsValidUrl(std::string_view url) {
    if (url.size() > kMaxUrlBytes) return false;
    const bool relative = url.starts_with('/') && !url.starts_with("//");
    if (!relative && !url.starts_with("http://") && !url.starts_with("https://")) return false;
    for (char c : url) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= ' ' || u == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\') return false;
    }
    return true;
}

/// Cuts valid UTF-8 to at most `max` bytes without splitting a character.
std::string CutUtf8(std::string s, size_t max) {
    if (s.size() <= max) return s;
    size_t end = max;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    s.resize(end);
    return s;
}

/// A string member: absent or null gives nullopt; another type is an error.
base::Result<std::optional<std::string>> OptString(const json& obj, std::string_view key) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::optional<std::string>{};
    if (!it->is_string()) return Bad(key, "must be a string or null");
    return std::optional<std::string>(it->get<std::string>());
}

/// A non-negative integer member, 0 when absent or null.
base::Result<int64_t> Count(const json& obj, std::string_view key) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return int64_t{0};
    if (it->is_number_unsigned()) {
        const auto v = it->get<uint64_t>();
        if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return Bad(key, "is too large");
        return static_cast<int64_t>(v);
    }
    if (it->is_number_integer() && it->get<int64_t>() >= 0) return it->get<int64_t>();
    return Bad(key, "must be a non-negative integer");
}

/// An RFC 3339 time member in ms; 0 when absent or null (unless required).
base::Result<int64_t> Time(const json& obj, std::string_view key, bool required) {
    auto text = OptString(obj, key);
    if (!text.ok()) return text.error();
    if (!*text) {
        if (required) return Bad(key, "is required");
        return int64_t{0};
    }
    auto ms = format::hls::ParseDateTime(**text);
    if (!ms || *ms <= 0) return Bad(key, "must be an RFC 3339 time after 1970");
    return *ms;
}

base::Result<std::string> Url(const json& obj, std::string_view key) {
    auto url = OptString(obj, key);
    if (!url.ok()) return url.error();
    if (!*url) return std::string();
    if (!IsValidUrl(**url)) return Bad(key, "must be a path or an http(s) URL of at most 2048 bytes");
    return std::move(**url);
}

base::Result<std::optional<RecordingRetention>> Retention(const json& event) {
    auto it = event.find("retention");
    if (it == event.end() || it->is_null()) return std::optional<RecordingRetention>{};
    if (!it->is_object()) return Bad("retention", "must be an object");
    auto age = Count(*it, "max_age_s");
    if (!age.ok()) return age.error();
    auto bytes = Count(*it, "max_bytes_per_channel");
    if (!bytes.ok()) return bytes.error();
    return std::optional<RecordingRetention>(RecordingRetention{*age, *bytes});
}

/// The recording's channel: recording.channel, else the envelope's channel.name.
base::Result<std::string> ChannelName(const json& event, const json& rec) {
    auto name = OptString(rec, "channel");
    if (!name.ok()) return name.error();
    if (!*name) {
        auto ch = event.find("channel");
        if (ch != event.end() && ch->is_object()) {
            name = OptString(*ch, "name");
            if (!name.ok()) return name.error();
        }
    }
    if (!*name || !store::IsValidChannelName(**name)) return Bad("channel", "must be a channel name");
    return std::move(**name);
}

base::Result<store::RecordingState> State(const json& rec) {
    auto name = OptString(rec, "state");
    if (!name.ok()) return name.error();
    auto state = *name ? store::ParseRecordingState(**name) : std::nullopt;
    // `deleting` is the manager's own state, never an origin's.
    if (!state || *state == store::RecordingState::kDeleting)
        return Bad("state", "must be recording, complete, failed or deleted");
    return *state;
}

}  // namespace

bool IsOriginRecordingEvent(std::string_view type) {
    for (auto t : kOriginTypes)
        if (t == type) return true;
    return false;
}

base::Result<RecordingReport> ParseRecordingEvent(const json& event) {
    if (!event.is_object()) return Bad("(event)", "must be a JSON object");
    auto type = OptString(event, "type");
    if (!type.ok()) return type.error();
    if (!*type || !IsOriginRecordingEvent(**type))
        return base::Error{base::ErrorCode::kUnsupported, "not an origin's recording event"};
    auto rec_it = event.find("recording");
    if (rec_it == event.end() || !rec_it->is_object()) return Bad("recording", "must be an object");
    const json& rec = *rec_it;

    RecordingReport report;
    report.type = std::move(**type);
    store::Recording& r = report.recording;
    auto id = OptString(rec, "id");
    if (!id.ok()) return id.error();
    if (!*id || !IsValidId(**id)) return Bad("id", "must be 1-128 characters A-Z, a-z, 0-9, '.', '_' or '-'");
    r.id = std::move(**id);
    auto broadcast = OptString(rec, "broadcast_id");
    if (!broadcast.ok()) return broadcast.error();
    if (*broadcast && !IsValidId(**broadcast)) return Bad("broadcast_id", "must be an id like 'id'");
    r.broadcast_id = broadcast->value_or(r.id);
    auto channel = ChannelName(event, rec);
    if (!channel.ok()) return channel.error();
    r.channel = std::move(*channel);
    auto state = State(rec);
    if (!state.ok()) return state.error();
    r.state = *state;

    auto started = Time(rec, "started_at", true);
    if (!started.ok()) return started.error();
    r.started_at_ms = *started;
    auto ended = Time(rec, "ended_at", false);
    if (!ended.ok()) return ended.error();
    r.ended_at_ms = *ended;
    auto expires = Time(rec, "expires_at", false);
    if (!expires.ok()) return expires.error();
    r.expires_at_ms = *expires;

    int64_t* counters[] = {&r.duration_ms, &r.bytes, &r.segments, &r.discontinuities};
    const char* names[] = {"duration_ms", "bytes", "segments", "discontinuities"};
    for (size_t i = 0; i < std::size(counters); ++i) {
        auto v = Count(rec, names[i]);
        if (!v.ok()) return v.error();
        *counters[i] = *v;
    }

    auto vod = Url(rec, "vod_url");
    if (!vod.ok()) return vod.error();
    r.vod_url = std::move(*vod);
    auto mp4 = Url(rec, "mp4_url");
    if (!mp4.ok()) return mp4.error();
    r.mp4_url = std::move(*mp4);
    auto error = OptString(rec, "error");
    if (!error.ok()) return error.error();
    r.error = CutUtf8(error->value_or(""), kMaxRecordingErrorBytes);

    auto node = OptString(event, "node");
    if (!node.ok()) return node.error();
    if (*node && (*node)->size() > kMaxNodeBytes) return Bad("node", "must be at most 128 bytes");
    r.node = node->value_or("");

    auto retention = Retention(event);
    if (!retention.ok()) return retention.error();
    report.retention = *retention;
    return report;
}

base::Result<RecordingReport> ParseRecordingEvent(std::string_view text) {
    if (text.size() > kMaxRecordingEventBytes)
        return base::Error{base::ErrorCode::kLimitExceeded, "recording event larger than 64 KiB"};
    auto event = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (event.is_discarded()) return Bad("(event)", "is not JSON");
    return ParseRecordingEvent(event);
}

json RetentionJson(const RecordingRetention& r) {
    return {{"max_age_s", r.max_age_s}, {"max_bytes_per_channel", r.max_bytes_per_channel}};
}

}  // namespace onair::manager
