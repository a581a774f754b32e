// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "onair/router/stream_item.h"

namespace onair::router {

/// A bounded per-player queue. When a player falls behind by more than
/// `max_bytes`, everything queued is discarded and the player skips to the
/// next video keyframe (configs and metadata are always kept); every
/// discarded packet is counted. The producer never blocks.
///
/// Thread safety: OnItem() from the publisher's thread, Drain() from the
/// player's thread.
class PlayerQueue final : public Subscriber {
public:
    /// `wake` is called (on the producer's thread) when items become
    /// available after a Drain() emptied the queue; it should post a wake-up
    /// to the consumer's executor.
    PlayerQueue(size_t max_bytes, std::function<void()> wake);

    /// Called on the producer's thread, with the broadcast's lock held, each
    /// time packets are discarded: `frames` discarded now, `skip` true when
    /// the queue overflowed (rather than a frame dropped while waiting for
    /// the next keyframe). Must be cheap and must not block. Set it before
    /// the queue is subscribed.
    using DropObserver = std::function<void(uint64_t frames, bool skip)>;
    void SetDropObserver(DropObserver observer) { on_drop_ = std::move(observer); }

    void OnItem(const StreamItem& item) override;
    bool is_viewer() const override { return true; }

    /// Discards packets until the next video keyframe (a player that joins
    /// without the GOP cache must not start in the middle of a GOP).
    void StartAtNextKeyframe();

    /// Moves every queued item to `out` (appending). Returns the count.
    size_t Drain(std::vector<StreamItem>& out);

    uint64_t dropped_packets() const { return dropped_.load(std::memory_order_relaxed); }
    uint64_t skips() const { return skips_.load(std::memory_order_relaxed); }
    size_t queued_bytes() const;
    bool ended() const;

private:
    uint64_t DropAllLocked();  // returns the packets discarded

    const size_t max_bytes_;
    const std::function<void()> wake_;
    DropObserver on_drop_;
    mutable std::mutex mu_;
    std::deque<StreamItem> items_;
    size_t bytes_ = 0;
    bool waiting_for_keyframe_ = false;
    bool joining_ = false;  // waiting for the first keyframe after joining
    bool wake_pending_ = false;
    bool ended_ = false;
    bool has_video_ = false;
    std::atomic<uint64_t> dropped_{0};
    std::atomic<uint64_t> skips_{0};
};

}  // namespace onair::router
