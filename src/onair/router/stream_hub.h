// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "onair/router/broadcast.h"

namespace onair::router {

/// Told when broadcasts start and end (HLS packagers, later the event bus).
/// Called without hub locks held, on the thread that caused the change.
class HubListener {
public:
    virtual ~HubListener() = default;
    virtual void OnBroadcastStarted(const std::shared_ptr<Broadcast>& broadcast) = 0;
    virtual void OnBroadcastEnded(const std::shared_ptr<Broadcast>& broadcast) = 0;
};

/// The in-process registry of live broadcasts, one per channel.
///
/// Publish rules: a publisher for a channel that is live takes over at once
/// (the previous publisher is evicted; no "stream is busy"); a publisher that
/// returns while the broadcast lingers after its previous publisher left
/// (see StopPublish) resumes the same broadcast. Both continue the timeline
/// with a discontinuity.
///
/// Thread safety: all methods may be called from any thread.
class StreamHub {
public:
    struct PublishGrant {
        std::shared_ptr<Broadcast> broadcast;
        bool takeover = false;  // another publisher was evicted
        bool resumed = false;   // continued a lingering broadcast
    };

    explicit StreamHub(BroadcastOptions options);

    uint64_t NextPublisherId() { return next_publisher_id_.fetch_add(1) + 1; }

    PublishGrant StartPublish(const std::string& channel, uint64_t publisher_id, std::function<void()> evict);
    /// The publisher left. The broadcast stays (lingers) so that a quick
    /// reconnect continues it; call EndIfIdle() when the grace period is over.
    void StopPublish(const std::shared_ptr<Broadcast>& broadcast, uint64_t publisher_id);
    /// Ends and removes the broadcast if it still has no publisher. True if ended.
    bool EndIfIdle(const std::shared_ptr<Broadcast>& broadcast);
    /// Ends every broadcast (shutdown).
    void EndAll();

    std::shared_ptr<Broadcast> Find(const std::string& channel) const;
    std::vector<std::shared_ptr<Broadcast>> List() const;

    void AddListener(HubListener* listener);

private:
    std::string NewBroadcastId(const std::string& channel);

    const BroadcastOptions options_;
    mutable std::mutex mu_;
    std::map<std::string, std::shared_ptr<Broadcast>, std::less<>> broadcasts_;
    std::vector<HubListener*> listeners_;
    std::atomic<uint64_t> next_publisher_id_{0};
    uint64_t broadcast_counter_ = 0;
};

}  // namespace onair::router
