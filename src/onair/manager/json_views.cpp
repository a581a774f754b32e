// SPDX-License-Identifier: Apache-2.0
#include "onair/manager/json_views.h"

#include "onair/format/hls/date_time.h"

namespace onair::manager {

std::string Rfc3339(int64_t ms_since_epoch) { return format::hls::FormatDateTime(ms_since_epoch); }

nlohmann::json StatsJson(const server::BroadcastStats& s) {
    return {
        {"video_kbps", s.video_kbps},
        {"audio_kbps", s.audio_kbps},
        {"fps", s.fps},
        {"width", s.width},
        {"height", s.height},
        {"video_codec", s.video_codec},
        {"audio_codec", s.audio_codec},
        {"audio_sample_rate", s.audio_sample_rate},
        {"audio_channels", s.audio_channels},
        {"bytes_in", s.bytes_in},
        {"frames_in", s.frames_in},
        {"gop_ms", s.gop_ms},
        {"uptime_ms", s.uptime_ms},
        {"viewers", s.viewers},
        {"rtmp_viewers", s.rtmp_viewers},
        {"hls_viewers", s.hls_viewers},
        {"edges", s.edges},
        {"hls_bytes", s.hls_bytes},
        {"hls_kbps", s.hls_kbps},
    };
}

server::BroadcastStats StatsFromJson(const nlohmann::json& j) {
    server::BroadcastStats s;
    auto get = [&j](const char* key, auto& out) {
        if (auto it = j.find(key); it != j.end() && !it->is_null()) it->get_to(out);
    };
    get("broadcast_id", s.broadcast_id);
    get("channel", s.channel);
    get("video_kbps", s.video_kbps);
    get("audio_kbps", s.audio_kbps);
    get("fps", s.fps);
    get("width", s.width);
    get("height", s.height);
    get("video_codec", s.video_codec);
    get("audio_codec", s.audio_codec);
    get("audio_sample_rate", s.audio_sample_rate);
    get("audio_channels", s.audio_channels);
    get("bytes_in", s.bytes_in);
    get("frames_in", s.frames_in);
    get("gop_ms", s.gop_ms);
    get("uptime_ms", s.uptime_ms);
    get("viewers", s.viewers);
    get("rtmp_viewers", s.rtmp_viewers);
    get("hls_viewers", s.hls_viewers);
    get("edges", s.edges);
    get("hls_bytes", s.hls_bytes);
    get("hls_kbps", s.hls_kbps);
    return s;
}

nlohmann::json BroadcastJson(const store::Broadcast& b, const std::optional<server::BroadcastStats>& stats,
                             int64_t now_ms) {
    nlohmann::json j = {
        {"id", b.id},
        {"channel", b.channel},
        {"node", b.node},
        {"client_ip", b.client_ip},
        {"live", b.live()},
        {"started_at", Rfc3339(b.started_at_ms)},
        {"ended_at", b.live() ? nlohmann::json() : nlohmann::json(Rfc3339(b.ended_at_ms))},
        {"end_reason", b.end_reason ? nlohmann::json(std::string(store::EndReasonName(*b.end_reason)))
                                    : nlohmann::json()},
        {"duration_ms", (b.live() ? now_ms : b.ended_at_ms) - b.started_at_ms},
    };
    if (stats) {
        j["stats"] = StatsJson(*stats);
    } else if (!b.stats_json.empty() && b.stats_json != "{}") {
        j["stats"] = nlohmann::json::parse(b.stats_json, nullptr, /*allow_exceptions=*/false);
        if (j["stats"].is_discarded()) j["stats"] = nullptr;
    } else {
        j["stats"] = nullptr;
    }
    return j;
}

nlohmann::json RecordingJson(const store::Recording& r) {
    auto time_or_null = [](int64_t ms) { return ms > 0 ? nlohmann::json(Rfc3339(ms)) : nlohmann::json(); };
    auto text_or_null = [](const std::string& s) { return s.empty() ? nlohmann::json() : nlohmann::json(s); };
    return {
        {"id", r.id},
        {"channel", r.channel},
        {"broadcast_id", r.broadcast_id},
        {"state", store::RecordingStateName(r.state)},
        {"started_at", Rfc3339(r.started_at_ms)},
        {"ended_at", time_or_null(r.ended_at_ms)},
        {"duration_ms", r.duration_ms},
        {"bytes", r.bytes},
        {"segments", r.segments},
        {"discontinuities", r.discontinuities},
        {"vod_url", text_or_null(r.vod_url)},
        {"mp4_url", text_or_null(r.mp4_url)},
        {"expires_at", time_or_null(r.expires_at_ms)},
        {"error", text_or_null(r.error)},
    };
}

nlohmann::json ChannelJson(const store::Channel& c, const ChannelUrls& urls, const std::optional<store::Broadcast>& live,
                           const std::optional<server::BroadcastStats>& stats, int64_t now_ms) {
    return {
        {"id", c.id},
        {"name", c.name},
        {"title", c.title},
        {"enabled", c.enabled},
        {"created_at", Rfc3339(c.created_at_ms)},
        {"updated_at", Rfc3339(c.updated_at_ms)},
        {"key_rotated_at", Rfc3339(c.key_rotated_at_ms)},
        // The stored text is WriteLadder's, checked when it was set.
        {"ladder", c.ladder ? nlohmann::json::parse(*c.ladder, nullptr, false) : nlohmann::json()},
        {"rtmp_url", urls.rtmp_base},
        {"rtmp_play_url", urls.rtmp_play(c.name)},
        {"playback_url", urls.playback(c.name)},
        {"player_url", urls.player(c.name)},
        {"live", live.has_value()},
        {"broadcast", live ? BroadcastJson(*live, stats, now_ms) : nlohmann::json()},
    };
}

}  // namespace onair::manager
