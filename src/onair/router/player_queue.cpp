// SPDX-License-Identifier: Apache-2.0
#include "onair/router/player_queue.h"

namespace onair::router {

PlayerQueue::PlayerQueue(size_t max_bytes, std::function<void()> wake)
    : max_bytes_(max_bytes), wake_(std::move(wake)) {}

uint64_t PlayerQueue::DropAllLocked() {
    uint64_t dropped = 0;
    std::deque<StreamItem> kept;
    for (auto& it : items_) {
        if (it.kind == StreamItem::Kind::kPacket) ++dropped;
        else kept.push_back(std::move(it));
    }
    items_ = std::move(kept);
    bytes_ = 0;
    for (const auto& it : items_) bytes_ += it.Cost();
    dropped_.fetch_add(dropped, std::memory_order_relaxed);
    return dropped;
}

void PlayerQueue::OnItem(const StreamItem& item) {
    bool wake = false;
    {
        std::lock_guard lock(mu_);
        if (ended_) return;
        if (item.kind == StreamItem::Kind::kVideoConfig) has_video_ = true;
        if (item.kind == StreamItem::Kind::kPacket) {
            const bool video = item.packet.kind == media::TrackKind::kVideo;
            if (waiting_for_keyframe_) {
                // Audio-only streams resume at once; video streams at a keyframe.
                if ((video && item.packet.keyframe) || (!has_video_ && !video)) {
                    waiting_for_keyframe_ = false;
                    joining_ = false;
                } else {
                    if (joining_) return;  // not yet started: nothing was lost
                    dropped_.fetch_add(1, std::memory_order_relaxed);
                    if (on_drop_) on_drop_(1, false);
                    return;
                }
            }
            if (bytes_ + item.Cost() > max_bytes_) {
                const uint64_t discarded = DropAllLocked();
                skips_.fetch_add(1, std::memory_order_relaxed);
                waiting_for_keyframe_ = true;
                if (!((video && item.packet.keyframe) || (!has_video_ && !video))) {
                    dropped_.fetch_add(1, std::memory_order_relaxed);
                    if (on_drop_) on_drop_(discarded + 1, true);
                    return;
                }
                if (on_drop_) on_drop_(discarded, true);
                waiting_for_keyframe_ = false;
            }
        }
        if (item.kind == StreamItem::Kind::kEnd) ended_ = true;
        items_.push_back(item);
        bytes_ += item.Cost();
        if (!wake_pending_) {
            wake_pending_ = true;
            wake = true;
        }
    }
    if (wake && wake_) wake_();
}

void PlayerQueue::StartAtNextKeyframe() {
    std::lock_guard lock(mu_);
    waiting_for_keyframe_ = true;
    joining_ = true;
}

size_t PlayerQueue::Drain(std::vector<StreamItem>& out) {
    std::lock_guard lock(mu_);
    const size_t n = items_.size();
    for (auto& it : items_) out.push_back(std::move(it));
    items_.clear();
    bytes_ = 0;
    wake_pending_ = false;
    return n;
}

size_t PlayerQueue::queued_bytes() const {
    std::lock_guard lock(mu_);
    return bytes_;
}

bool PlayerQueue::ended() const {
    std::lock_guard lock(mu_);
    return ended_;
}

}  // namespace onair::router
