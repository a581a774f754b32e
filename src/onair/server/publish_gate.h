// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "onair/store/records.h"

namespace onair::server {

/// What an ingest knows when a client asks to publish.
struct PublishAttempt {
    std::string app;         // RTMP application, query stripped ("live")
    std::string stream_key;  // the presented key, query stripped: a secret, never logged
    std::string query;       // the publish name's query string, without '?' (may hold secrets too)
    std::string client_ip;
    uint16_t client_port = 0;
    std::string node;        // this ingest's node id ("local" in `onair serve`)
};

/// The manager's answer.
struct PublishVerdict {
    bool allowed = false;
    std::string channel;       // allowed: the channel the key belongs to
    std::string broadcast_id;  // allowed: the manager's id for this publish session
    std::string reason;        // refused: a short, key-free reason ("invalid stream key", ...)
    bool retry_later = false;  // refused because the manager could not decide (timeout, error)
    std::string ladder;        // allowed: the channel's ABR ladder (JSON); empty: the transcoders' default
};

/// What an ingest reports about a live broadcast, about once a second. The
/// report doubles as the heartbeat: a broadcast the manager hears nothing of
/// for a few seconds has ended unexpectedly (its ingest is gone).
struct BroadcastStats {
    std::string broadcast_id;
    std::string channel;
    double video_kbps = 0;
    double audio_kbps = 0;
    double fps = 0;
    int width = 0;
    int height = 0;
    std::string video_codec;  // RFC 6381, "avc1.64001f"
    std::string audio_codec;  // "mp4a.40.2"
    int audio_sample_rate = 0;
    int audio_channels = 0;
    uint64_t bytes_in = 0;
    uint64_t frames_in = 0;
    int64_t gop_ms = 0;     // the last complete keyframe interval
    int64_t uptime_ms = 0;
    int64_t viewers = 0;    // the ingest reports its RTMP players; the manager shows RTMP + HLS (rtmp_viewers + hls_viewers)
    // Filled in by the manager from the edges' edge.stats reports (docs/EVENTS.md); an ingest sends none.
    int64_t rtmp_viewers = 0;  // players attached at the ingest (RTMP)
    int64_t hls_viewers = 0;   // the sum of the latest report of each edge heard from within 15 s
    int64_t edges = 0;         // those edges
    uint64_t hls_bytes = 0;    // body bytes the edges served of this broadcast, all reports summed
    double hls_kbps = 0;       // the edges' latest reports' bytes over their windows, summed
};

/// The ingest's view of the manager: who may publish, and what became of
/// each broadcast. `onair serve` wires the in-process manager; a separate
/// ingest node reaches a remote one over its JSON hooks. Every method may be
/// called from any thread and never blocks: completions run on an arbitrary
/// thread, and the caller posts back to its own executor.
class PublishGate {
public:
    virtual ~PublishGate() = default;

    /// Decides a publish; `done` runs exactly once.
    virtual void Verify(PublishAttempt attempt, std::function<void(PublishVerdict)> done) = 0;

    /// The publish session ended, for `reason`. Fire and forget.
    virtual void Ended(std::string broadcast_id, store::EndReason reason) = 0;

    /// Periodic stats of a live broadcast; `kick` runs with true if the
    /// manager wants this publisher gone (an admin kicked it).
    virtual void Report(BroadcastStats stats, std::function<void(bool kick)> kick) = 0;
};

}  // namespace onair::server
