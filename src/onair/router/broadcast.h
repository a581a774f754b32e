// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "onair/media/packet.h"
#include "onair/media/timestamp_normalizer.h"
#include "onair/packager/segmenter.h"
#include "onair/router/gop_cache.h"
#include "onair/router/stream_item.h"

namespace onair::router {

struct BroadcastOptions {
    int64_t segment_target_ticks = 2 * media::kTimescale;
    size_t gop_cache_bytes = 32u << 20;
};

/// Live state of one channel's broadcast: codec configuration, metadata,
/// the GOP cache and the subscribers. Timestamps are made monotonic, the
/// receive time (media::Packet::wallclock_ms) and segment boundaries stamped
/// here, once, before any subscriber sees a packet, so every packager
/// downstream agrees.
///
/// Thread safety: all methods may be called from any thread.
class Broadcast {
public:
    struct PushResult {
        bool accepted = false;  // false: the caller is not the current publisher
        bool restamped = false;
        bool long_gop = false;      // a GOP longer than the target segment duration ended
        int64_t gop_ticks = 0;
    };
    struct Stats {
        uint64_t packets = 0;
        uint64_t bytes = 0;
        uint64_t restamped = 0;
        size_t subscribers = 0;
        size_t viewers = 0;  // subscribers that are players
        uint64_t takeovers = 0;
        int64_t last_gop_ticks = 0;
    };

    Broadcast(std::string channel, std::string id, const BroadcastOptions& options);

    const std::string& channel() const { return channel_; }
    /// Unique per broadcast (not per publisher session): survives takeovers.
    const std::string& id() const { return id_; }

    /// Makes `publisher_id` the current publisher. Returns the previous one's
    /// eviction callback (to be run by the caller, outside any lock) when
    /// this is a takeover.
    std::function<void()> Attach(uint64_t publisher_id, std::function<void()> evict);
    /// Detaches `publisher_id` if it is still the current publisher; true then.
    bool Detach(uint64_t publisher_id);
    bool has_publisher() const;

    void SetVideoConfig(uint64_t publisher_id, const media::CodecConfig& config);
    void SetAudioConfig(uint64_t publisher_id, const media::CodecConfig& config);
    void SetMetadata(uint64_t publisher_id, base::SharedBuffer amf0_onmetadata);
    PushResult Push(uint64_t publisher_id, media::Packet packet);

    /// Adds a subscriber; it first receives the configs, metadata and the
    /// GOP cache (when `from_gop_cache`), then live items.
    void Subscribe(const std::shared_ptr<Subscriber>& subscriber, bool from_gop_cache);
    void Unsubscribe(const Subscriber* subscriber);
    /// Sends kEnd to every subscriber and drops them.
    void End();

    /// The channel's ABR ladder (JSON) as the publish decision gave it; empty:
    /// the transcoders' default. Set by each publisher when it is accepted
    /// (a takeover brings the channel's current one). A lock of its own:
    /// subscribers read it from inside OnItem, under the broadcast's lock.
    void SetLadder(std::string ladder_json);
    std::string ladder() const;

    Stats stats() const;
    std::shared_ptr<const media::CodecConfig> video_config() const;
    std::shared_ptr<const media::CodecConfig> audio_config() const;

private:
    void FanOutLocked(const StreamItem& item);

    const std::string channel_;
    const std::string id_;
    const BroadcastOptions options_;
    mutable std::mutex mu_;
    uint64_t publisher_ = 0;
    std::function<void()> evict_;
    bool pending_discontinuity_ = false;
    bool ended_ = false;
    std::shared_ptr<const media::CodecConfig> video_config_;
    std::shared_ptr<const media::CodecConfig> audio_config_;
    base::SharedBuffer metadata_;
    media::TimestampNormalizer normalizer_;
    packager::Segmenter segmenter_;
    GopCache gop_cache_;
    std::vector<std::shared_ptr<Subscriber>> subscribers_;
    Stats stats_;
    mutable std::mutex ladder_mu_;
    std::string ladder_;
};

}  // namespace onair::router
