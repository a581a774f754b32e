// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "onair/base/result.h"

namespace onair::runtime {

/// Every setting with its built-in default. conf/onair.yaml documents each
/// key; the YAML keys are the field names below (e.g. rtmp.listen).
struct Config {
    struct Rtmp {
        std::string listen = "0.0.0.0:1935";
        std::string app = "live";                  // the application name in rtmp://host/<app>/...
        uint32_t chunk_size = 4096;                // outgoing chunk size
        uint32_t max_message_size = 16u << 20;     // largest message a client may send
        uint32_t max_chunk_streams = 64;           // chunk streams a client may open
        uint32_t handshake_timeout_ms = 10000;
        uint32_t idle_timeout_ms = 30000;          // publisher silent, or player not reading
        uint32_t max_connections = 10000;
        uint32_t player_queue_bytes = 8u << 20;    // per player; beyond it, skip to the next keyframe
        bool gop_cache = true;                     // new players start at the latest keyframe
        uint32_t republish_grace_ms = 10000;       // a publisher returning within this continues the broadcast
        uint32_t play_coalesce_ms = 100;           // players' writes are batched up to this long (0: write at once)
        uint32_t publish_media_timeout_ms = 3000;  // an accepted publisher that sends no media this long is dropped
    } rtmp;
    struct Http {
        std::string listen = "0.0.0.0:8080";
        uint32_t max_header_bytes = 8192;
        uint32_t max_body_bytes = 65536;
        uint32_t idle_timeout_ms = 60000;
        uint32_t max_connections = 10000;
        uint32_t worker_threads = 2;               // threads for blocking handlers (REST API, database calls)
        std::string access_log = "auto";           // off, stderr or a file path; auto: stderr for `onair edge`, off elsewhere
    } http;
    struct Hls {
        uint32_t segment_duration_ms = 2000;       // target; segments cut at the first keyframe after it
        uint32_t window_segments = 6;              // segments listed in the live playlist
        std::string container = "ts";              // segments: ts (MPEG-TS) or fmp4 (fMP4/CMAF with an init segment)
        uint32_t part_duration_ms = 333;           // LL-HLS parts (fmp4 only): 0 off; 333 is exactly 1/3 s
    } hls;
    struct Log {
        std::string level = "info";                // trace, debug, info, warn, error
        std::string format = "json";               // json (ECS field names) or text
    } log;
    struct Manager {
        std::string admin_token;                   // admin API bearer token; empty: generated at first start
        uint32_t heartbeat_timeout_ms = 3000;      // a live broadcast not reported this long ended unexpectedly (ingests report every second)
        uint32_t max_failed_publishes = 10;        // wrong keys per client address per window; 0: no limit
        uint32_t failed_publish_window_ms = 60000;
        uint32_t workers = 2;                      // threads for API handlers and hooks (they reach the database)
        std::string hook_token;                    // also accepted (besides the admin token) by the ingest hooks
        std::string public_rtmp_url;               // OBS "Server" shown for channels; empty: rtmp://<public_host>:<rtmp port>/<app>
        std::string public_http_url;               // base of playback URLs; empty: http://<public_host>:<http port>
    } manager;
    struct Ingest {
        std::string manager_url;                   // a remote manager (http://host:port); empty: the one in this process
        std::string manager_token;                 // bearer token for the remote manager's hooks
        uint32_t hook_timeout_ms = 3000;           // a publish hook that takes longer refuses the publish (fail-closed)
    } ingest;
    struct Bus {
        std::string url = "in-process";            // or kafka://host:port[,host:port...]
        std::string media_topic = "onair.media";
        std::string events_topic = "onair.events";
        std::string renditions_topic = "onair.renditions";  // the transcoders' output
        uint32_t group_session_timeout_ms = 6000;  // a transcoder silent this long has its broadcasts moved
        uint32_t buffer_bytes = 64u << 20;         // media produced, not yet acknowledged; beyond it records drop
        uint32_t delivery_timeout_ms = 30000;      // a record not acknowledged this long is dropped (counted)
        uint32_t linger_ms = 2;                    // the producer's batching delay
        uint32_t fetch_wait_ms = 10;               // how long a broker may hold a fetch on an empty partition
        uint32_t max_record_bytes = 4u << 20;      // larger media records are dropped (counted)
        bool idempotence = true;                   // the producer's enable.idempotence
        uint32_t lookback_ms = 0;                  // how far back an edge starts reading; 0: the HLS window
        uint32_t edge_idle_timeout_ms = 30000;     // an edge ends a broadcast the log is silent on this long
        std::string kafka_properties;              // more librdkafka settings: "key=value,key=value"
    } bus;
    struct Edge {
        std::string upstream;                      // http://HOST:PORT: a pull-through cache of that edge or origin instead of reading the bus
        uint32_t cache_mib = 512;                  // the pull-through cache's bodies, all together (LRU beyond)
        uint32_t upstream_timeout_ms = 10000;      // one upstream fetch, connect to last byte (then 502); above an LL-HLS blocking reload
    } edge;
    struct Transcode {
        bool enabled = true;                       // onair serve: transcode in this process
        std::string ladder;                        // JSON array of renditions (docs/TRANSCODING.md); empty: the built-in ladder
        std::string preset = "veryfast";           // x264 preset: ultrafast..medium
        std::string group = "onair-transcoders";   // the transcoders' consumer group
        uint32_t threads = 0;                      // x264 threads per rendition; 0: chosen from the cores
        uint32_t max_start_lag_ms = 1000;          // a broadcast is picked up at a segment start at most this old
        uint32_t max_backlog_ms = 2000;            // media waiting to be transcoded beyond this drops a rendition
    } transcode;
    struct Origin {
        bool enabled = true;                       // onair serve: record in this process (onair origin: always)
        std::string dir;                           // where recordings are kept; empty: <data_dir>/recordings
        std::string group = "onair-origins";       // the origins' Kafka consumer group
        std::string public_url;                    // base of the VOD and MP4 URLs in events; empty: paths only
        uint32_t retention_max_age_s = 2592000;    // a finished recording older than this is deleted; 0: kept
        uint32_t retention_max_mib_per_channel = 0;  // a channel's finished recordings beyond this (MiB) go, oldest first; 0: no limit
        uint32_t idle_finalize_ms = 30000;         // a recording the log is silent on this long is finalized
        uint32_t queue_mib = 256;                  // media waiting to be written; beyond it (in-process bus) records drop
    } origin;
    std::string node_id = "local";                 // this node's name in broadcasts and events
    std::string data_dir = "./onair-data";
    std::string database;                          // postgres://..., sqlite:PATH or PATH; empty: <data_dir>/onair.db
    std::string public_host;                       // host printed in URLs; empty: this machine's hostname
    uint32_t threads = 0;                          // IO threads; 0: one per core
    uint32_t memory_trim_ms = 5000;                // return free heap pages to the OS this often; 0: never
};

/// Defaults, then the YAML file (if `yaml_path` is not empty), then ONAIR_*
/// variables from `env` (ONAIR_RTMP_LISTEN, ONAIR_HTTP_LISTEN, ONAIR_DATA_DIR,
/// ONAIR_HLS_SEGMENT_DURATION_MS, ONAIR_LOG_LEVEL, ... — the key path upper-cased
/// with '.' as '_'). Unknown keys and bad values are errors that name the key.
base::Result<Config> LoadConfig(const std::string& yaml_path, const std::map<std::string, std::string>& env);

/// Parses YAML text (for tests and `--config`).
base::Result<Config> ParseConfig(const std::string& yaml_text, const std::map<std::string, std::string>& env);

/// The effective configuration as YAML.
std::string DumpConfig(const Config& config);

/// The checks LoadConfig makes, for a config changed afterwards (by flags).
base::Status ValidateConfig(const Config& config);

/// Where the manager store is: config.database, else <data_dir>/onair.db.
std::string DatabaseLocation(const Config& config);

/// The host to print in URLs: config.public_host, else the hostname.
std::string PublicHost(const Config& config);

}  // namespace onair::runtime
