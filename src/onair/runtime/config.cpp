// SPDX-License-Identifier: Apache-2.0
#include "onair/runtime/config.h"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <vector>

namespace onair::runtime {

namespace {

struct Field {
    std::string key;  // "rtmp.listen"
    std::function<bool(Config&, const std::string&)> set;
    std::function<std::string(const Config&)> get;
};

bool ParseU32(const std::string& s, uint32_t& out) {
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v > 0xffffffffu) return false;
    out = static_cast<uint32_t>(v);
    return true;
}

bool ParseBool(const std::string& s, bool& out) {
    if (s == "true" || s == "yes" || s == "on" || s == "1") return out = true, true;
    if (s == "false" || s == "no" || s == "off" || s == "0") return out = false, true;
    return false;
}

template <typename Get>
Field U32(std::string key, Get get) {
    return Field{std::move(key), [get](Config& c, const std::string& v) { return ParseU32(v, get(c)); },
                 [get](const Config& c) { return std::to_string(get(const_cast<Config&>(c))); }};
}
template <typename Get>
Field Str(std::string key, Get get) {
    return Field{std::move(key), [get](Config& c, const std::string& v) { return get(c) = v, true; },
                 [get](const Config& c) { return get(const_cast<Config&>(c)); }};
}
template <typename Get>
Field Bool(std::string key, Get get) {
    return Field{std::move(key), [get](Config& c, const std::string& v) { return ParseBool(v, get(c)); },
                 [get](const Config& c) { return std::string(get(const_cast<Config&>(c)) ? "true" : "false"); }};
}

const std::vector<Field>& Fields() {
    static const std::vector<Field> fields = {
        Str("rtmp.listen", [](Config& c) -> std::string& { return c.rtmp.listen; }),
        Str("rtmp.app", [](Config& c) -> std::string& { return c.rtmp.app; }),
        U32("rtmp.chunk_size", [](Config& c) -> uint32_t& { return c.rtmp.chunk_size; }),
        U32("rtmp.max_message_size", [](Config& c) -> uint32_t& { return c.rtmp.max_message_size; }),
        U32("rtmp.max_chunk_streams", [](Config& c) -> uint32_t& { return c.rtmp.max_chunk_streams; }),
        U32("rtmp.handshake_timeout_ms", [](Config& c) -> uint32_t& { return c.rtmp.handshake_timeout_ms; }),
        U32("rtmp.idle_timeout_ms", [](Config& c) -> uint32_t& { return c.rtmp.idle_timeout_ms; }),
        U32("rtmp.max_connections", [](Config& c) -> uint32_t& { return c.rtmp.max_connections; }),
        U32("rtmp.player_queue_bytes", [](Config& c) -> uint32_t& { return c.rtmp.player_queue_bytes; }),
        Bool("rtmp.gop_cache", [](Config& c) -> bool& { return c.rtmp.gop_cache; }),
        U32("rtmp.republish_grace_ms", [](Config& c) -> uint32_t& { return c.rtmp.republish_grace_ms; }),
        U32("rtmp.play_coalesce_ms", [](Config& c) -> uint32_t& { return c.rtmp.play_coalesce_ms; }),
        U32("rtmp.publish_media_timeout_ms", [](Config& c) -> uint32_t& { return c.rtmp.publish_media_timeout_ms; }),
        Str("http.listen", [](Config& c) -> std::string& { return c.http.listen; }),
        U32("http.max_header_bytes", [](Config& c) -> uint32_t& { return c.http.max_header_bytes; }),
        U32("http.max_body_bytes", [](Config& c) -> uint32_t& { return c.http.max_body_bytes; }),
        U32("http.idle_timeout_ms", [](Config& c) -> uint32_t& { return c.http.idle_timeout_ms; }),
        U32("http.max_connections", [](Config& c) -> uint32_t& { return c.http.max_connections; }),
        U32("http.worker_threads", [](Config& c) -> uint32_t& { return c.http.worker_threads; }),
        Str("http.access_log", [](Config& c) -> std::string& { return c.http.access_log; }),
        Str("edge.upstream", [](Config& c) -> std::string& { return c.edge.upstream; }),
        U32("edge.cache_mib", [](Config& c) -> uint32_t& { return c.edge.cache_mib; }),
        U32("edge.upstream_timeout_ms", [](Config& c) -> uint32_t& { return c.edge.upstream_timeout_ms; }),
        U32("hls.segment_duration_ms", [](Config& c) -> uint32_t& { return c.hls.segment_duration_ms; }),
        U32("hls.window_segments", [](Config& c) -> uint32_t& { return c.hls.window_segments; }),
        Str("hls.container", [](Config& c) -> std::string& { return c.hls.container; }),
        U32("hls.part_duration_ms", [](Config& c) -> uint32_t& { return c.hls.part_duration_ms; }),
        Str("log.level", [](Config& c) -> std::string& { return c.log.level; }),
        Str("log.format", [](Config& c) -> std::string& { return c.log.format; }),
        Str("manager.admin_token", [](Config& c) -> std::string& { return c.manager.admin_token; }),
        U32("manager.heartbeat_timeout_ms", [](Config& c) -> uint32_t& { return c.manager.heartbeat_timeout_ms; }),
        U32("manager.max_failed_publishes", [](Config& c) -> uint32_t& { return c.manager.max_failed_publishes; }),
        U32("manager.failed_publish_window_ms",
            [](Config& c) -> uint32_t& { return c.manager.failed_publish_window_ms; }),
        U32("manager.workers", [](Config& c) -> uint32_t& { return c.manager.workers; }),
        Str("manager.hook_token", [](Config& c) -> std::string& { return c.manager.hook_token; }),
        Str("manager.public_rtmp_url", [](Config& c) -> std::string& { return c.manager.public_rtmp_url; }),
        Str("manager.public_http_url", [](Config& c) -> std::string& { return c.manager.public_http_url; }),
        Str("ingest.manager_url", [](Config& c) -> std::string& { return c.ingest.manager_url; }),
        Str("ingest.manager_token", [](Config& c) -> std::string& { return c.ingest.manager_token; }),
        U32("ingest.hook_timeout_ms", [](Config& c) -> uint32_t& { return c.ingest.hook_timeout_ms; }),
        Str("bus.url", [](Config& c) -> std::string& { return c.bus.url; }),
        Str("bus.media_topic", [](Config& c) -> std::string& { return c.bus.media_topic; }),
        Str("bus.events_topic", [](Config& c) -> std::string& { return c.bus.events_topic; }),
        Str("bus.renditions_topic", [](Config& c) -> std::string& { return c.bus.renditions_topic; }),
        U32("bus.group_session_timeout_ms", [](Config& c) -> uint32_t& { return c.bus.group_session_timeout_ms; }),
        U32("bus.buffer_bytes", [](Config& c) -> uint32_t& { return c.bus.buffer_bytes; }),
        U32("bus.delivery_timeout_ms", [](Config& c) -> uint32_t& { return c.bus.delivery_timeout_ms; }),
        U32("bus.linger_ms", [](Config& c) -> uint32_t& { return c.bus.linger_ms; }),
        U32("bus.fetch_wait_ms", [](Config& c) -> uint32_t& { return c.bus.fetch_wait_ms; }),
        U32("bus.max_record_bytes", [](Config& c) -> uint32_t& { return c.bus.max_record_bytes; }),
        Bool("bus.idempotence", [](Config& c) -> bool& { return c.bus.idempotence; }),
        U32("bus.lookback_ms", [](Config& c) -> uint32_t& { return c.bus.lookback_ms; }),
        U32("bus.edge_idle_timeout_ms", [](Config& c) -> uint32_t& { return c.bus.edge_idle_timeout_ms; }),
        Str("bus.kafka_properties", [](Config& c) -> std::string& { return c.bus.kafka_properties; }),
        Bool("transcode.enabled", [](Config& c) -> bool& { return c.transcode.enabled; }),
        Str("transcode.ladder", [](Config& c) -> std::string& { return c.transcode.ladder; }),
        Str("transcode.preset", [](Config& c) -> std::string& { return c.transcode.preset; }),
        Str("transcode.group", [](Config& c) -> std::string& { return c.transcode.group; }),
        U32("transcode.threads", [](Config& c) -> uint32_t& { return c.transcode.threads; }),
        U32("transcode.max_start_lag_ms", [](Config& c) -> uint32_t& { return c.transcode.max_start_lag_ms; }),
        U32("transcode.max_backlog_ms", [](Config& c) -> uint32_t& { return c.transcode.max_backlog_ms; }),
        Bool("origin.enabled", [](Config& c) -> bool& { return c.origin.enabled; }),
        Str("origin.dir", [](Config& c) -> std::string& { return c.origin.dir; }),
        Str("origin.group", [](Config& c) -> std::string& { return c.origin.group; }),
        Str("origin.public_url", [](Config& c) -> std::string& { return c.origin.public_url; }),
        U32("origin.retention_max_age_s", [](Config& c) -> uint32_t& { return c.origin.retention_max_age_s; }),
        U32("origin.retention_max_mib_per_channel",
            [](Config& c) -> uint32_t& { return c.origin.retention_max_mib_per_channel; }),
        U32("origin.idle_finalize_ms", [](Config& c) -> uint32_t& { return c.origin.idle_finalize_ms; }),
        U32("origin.queue_mib", [](Config& c) -> uint32_t& { return c.origin.queue_mib; }),
        Str("node_id", [](Config& c) -> std::string& { return c.node_id; }),
        Str("data_dir", [](Config& c) -> std::string& { return c.data_dir; }),
        Str("database", [](Config& c) -> std::string& { return c.database; }),
        Str("public_host", [](Config& c) -> std::string& { return c.public_host; }),
        U32("threads", [](Config& c) -> uint32_t& { return c.threads; }),
        U32("memory_trim_ms", [](Config& c) -> uint32_t& { return c.memory_trim_ms; }),
    };
    return fields;
}

const Field* FindField(const std::string& key) {
    for (const auto& f : Fields())
        if (f.key == key) return &f;
    return nullptr;
}

base::Error ConfigError(std::string message) { return base::Error{base::ErrorCode::kInvalidData, std::move(message)}; }

base::Status Validate(const Config& c) {
    if (c.rtmp.chunk_size < 128 || c.rtmp.chunk_size > (1u << 24))
        return ConfigError("config: rtmp.chunk_size must be 128..16777216");
    if (c.hls.segment_duration_ms < 100 || c.hls.segment_duration_ms > 60000)
        return ConfigError("config: hls.segment_duration_ms must be 100..60000");
    if (c.hls.window_segments < 2 || c.hls.window_segments > 1000)
        return ConfigError("config: hls.window_segments must be 2..1000");
    if (c.hls.container != "ts" && c.hls.container != "fmp4")
        return ConfigError("config: hls.container must be ts or fmp4");
    if (c.hls.part_duration_ms != 0 &&
        (c.hls.part_duration_ms < 100 || c.hls.part_duration_ms * 2 > c.hls.segment_duration_ms))
        return ConfigError("config: hls.part_duration_ms must be 0 (no LL-HLS) or 100..half of hls.segment_duration_ms");
    static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "off"};
    bool level_ok = false;
    for (auto* l : kLevels) level_ok |= c.log.level == l;
    if (!level_ok) return ConfigError("config: log.level must be one of trace, debug, info, warn, error, off");
    if (c.log.format != "json" && c.log.format != "text") return ConfigError("config: log.format must be json or text");
    if (c.rtmp.play_coalesce_ms > 100) return ConfigError("config: rtmp.play_coalesce_ms must be 0..100");
    if (c.rtmp.app.empty()) return ConfigError("config: rtmp.app must not be empty");
    if (c.rtmp.publish_media_timeout_ms < 1000)
        return ConfigError("config: rtmp.publish_media_timeout_ms must be at least 1000");
    if (c.manager.heartbeat_timeout_ms < 1000)
        return ConfigError("config: manager.heartbeat_timeout_ms must be at least 1000");
    if (c.manager.workers < 1 || c.manager.workers > 64) return ConfigError("config: manager.workers must be 1..64");
    if (c.ingest.hook_timeout_ms < 100 || c.ingest.hook_timeout_ms > 60000)
        return ConfigError("config: ingest.hook_timeout_ms must be 100..60000");
    if (c.node_id.empty() || c.node_id.size() > 64) return ConfigError("config: node_id must be 1..64 characters");
    if (c.edge.cache_mib < 1) return ConfigError("config: edge.cache_mib must be at least 1");
    if (c.edge.upstream_timeout_ms < 100) return ConfigError("config: edge.upstream_timeout_ms must be at least 100");
    if (c.http.worker_threads < 1 || c.http.worker_threads > 256)
        return ConfigError("config: http.worker_threads must be 1..256");
    if (c.bus.url != "in-process" && c.bus.url.rfind("kafka://", 0) != 0)
        return ConfigError("config: bus.url must be in-process or kafka://host:port[,host:port...]");
    if (c.bus.url.rfind("kafka://", 0) == 0 && c.bus.url.size() == 8)
        return ConfigError("config: bus.url kafka:// needs at least one host:port");
    if (c.bus.media_topic.empty() || c.bus.events_topic.empty() || c.bus.renditions_topic.empty())
        return ConfigError("config: bus.media_topic, bus.events_topic and bus.renditions_topic must not be empty");
    if (c.bus.group_session_timeout_ms < 1000 || c.bus.group_session_timeout_ms > 300000)
        return ConfigError("config: bus.group_session_timeout_ms must be 1000..300000");
    static const char* kPresets[] = {"ultrafast", "superfast", "veryfast", "faster", "fast", "medium"};
    bool preset_ok = false;
    for (auto* p : kPresets) preset_ok |= c.transcode.preset == p;
    if (!preset_ok)
        return ConfigError("config: transcode.preset must be one of ultrafast, superfast, veryfast, faster, fast, medium");
    if (c.transcode.group.empty()) return ConfigError("config: transcode.group must not be empty");
    if (c.origin.group.empty()) return ConfigError("config: origin.group must not be empty");
    if (c.origin.idle_finalize_ms < 1000) return ConfigError("config: origin.idle_finalize_ms must be at least 1000");
    if (c.origin.queue_mib < 16 || c.origin.queue_mib > 4096) return ConfigError("config: origin.queue_mib must be 16..4096");
    if (c.transcode.threads > 16) return ConfigError("config: transcode.threads must be 0..16");
    if (c.transcode.max_backlog_ms < 500 || c.transcode.max_backlog_ms > 60000)
        return ConfigError("config: transcode.max_backlog_ms must be 500..60000");
    if (c.bus.buffer_bytes < (1u << 20)) return ConfigError("config: bus.buffer_bytes must be at least 1048576");
    if (c.bus.delivery_timeout_ms < 1000) return ConfigError("config: bus.delivery_timeout_ms must be at least 1000");
    if (c.bus.linger_ms > 1000) return ConfigError("config: bus.linger_ms must be 0..1000");
    if (c.bus.fetch_wait_ms < 1 || c.bus.fetch_wait_ms > 1000)
        return ConfigError("config: bus.fetch_wait_ms must be 1..1000");
    if (c.bus.max_record_bytes < 65536 || c.bus.max_record_bytes > (64u << 20))
        return ConfigError("config: bus.max_record_bytes must be 65536..67108864");
    if (c.bus.edge_idle_timeout_ms < 1000) return ConfigError("config: bus.edge_idle_timeout_ms must be at least 1000");
    return base::Status::Ok();
}

base::Status ApplyYaml(Config& config, const YAML::Node& node, const std::string& prefix) {
    if (!node.IsMap()) return ConfigError("config: '" + (prefix.empty() ? "<root>" : prefix) + "' must be a mapping");
    for (const auto& kv : node) {
        const std::string name = kv.first.as<std::string>();
        const std::string key = prefix.empty() ? name : prefix + "." + name;
        if (kv.second.IsMap()) {
            if (auto st = ApplyYaml(config, kv.second, key); !st.ok()) return st;
            continue;
        }
        const Field* f = FindField(key);
        if (!f) return ConfigError("config: unknown key '" + key + "'");
        if (!kv.second.IsScalar()) return ConfigError("config: '" + key + "' must be a scalar value");
        if (!f->set(config, kv.second.as<std::string>()))
            return ConfigError("config: invalid value for '" + key + "'");
    }
    return base::Status::Ok();
}

base::Status ApplyEnv(Config& config, const std::map<std::string, std::string>& env) {
    for (const auto& f : Fields()) {
        std::string name = "ONAIR_";
        for (char ch : f.key) name += ch == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        auto it = env.find(name);
        if (it == env.end()) continue;
        if (!f.set(config, it->second)) return ConfigError("config: invalid value in " + name + " for '" + f.key + "'");
    }
    return base::Status::Ok();
}

}  // namespace

base::Result<Config> ParseConfig(const std::string& yaml_text, const std::map<std::string, std::string>& env) {
    Config config;
    if (!yaml_text.empty()) {
        try {
            YAML::Node root = YAML::Load(yaml_text);
            if (root && !root.IsNull()) {
                if (auto st = ApplyYaml(config, root, ""); !st.ok()) return st.error();
            }
        } catch (const YAML::Exception& e) {
            return ConfigError(std::string("config: YAML error: ") + e.what());
        }
    }
    if (auto st = ApplyEnv(config, env); !st.ok()) return st.error();
    if (auto st = Validate(config); !st.ok()) return st.error();
    return config;
}

base::Result<Config> LoadConfig(const std::string& yaml_path, const std::map<std::string, std::string>& env) {
    std::string text;
    if (!yaml_path.empty()) {
        std::ifstream in(yaml_path);
        if (!in) return base::Error{base::ErrorCode::kIo, "config: cannot read " + yaml_path};
        std::stringstream ss;
        ss << in.rdbuf();
        text = ss.str();
        if (text.size() > (1u << 20)) return ConfigError("config: " + yaml_path + " is larger than 1 MiB");
    }
    return ParseConfig(text, env);
}

base::Status ValidateConfig(const Config& config) { return Validate(config); }

std::string DumpConfig(const Config& config) {
    std::string out;
    std::string section;
    for (const auto& f : Fields()) {
        const auto dot = f.key.find('.');
        const std::string sec = dot == std::string::npos ? "" : f.key.substr(0, dot);
        const std::string name = dot == std::string::npos ? f.key : f.key.substr(dot + 1);
        if (sec != section) {
            if (!sec.empty()) out += sec + ":\n";
            section = sec;
        }
        std::string value = f.get(config);
        // Tokens are secrets: the dump says whether one is set, never what it is.
        if (name.ends_with("token") && !value.empty()) value = "\"[redacted]\"";
        out += (sec.empty() ? "" : "  ") + name + ": " + (value.empty() ? "\"\"" : value) + "\n";
    }
    return out;
}

std::string DatabaseLocation(const Config& config) {
    if (!config.database.empty()) return config.database;
    return (std::filesystem::path(config.data_dir) / "onair.db").string();
}

std::string PublicHost(const Config& config) {
    if (!config.public_host.empty()) return config.public_host;
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) == 0 && name[0] != '\0') return name;
    return "localhost";
}

}  // namespace onair::runtime
