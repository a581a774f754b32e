// SPDX-License-Identifier: Apache-2.0
#include "onair/manager/rate_limiter.h"

namespace onair::manager {

FailureRateLimiter::FailureRateLimiter(uint32_t max_failures, int64_t window_ms, size_t max_addresses)
    : max_failures_(max_failures), window_ms_(window_ms), max_addresses_(max_addresses) {}

int64_t FailureRateLimiter::RetryAfterMs(std::string_view address, int64_t now_ms) {
    if (max_failures_ == 0) return 0;  // limiting disabled
    std::lock_guard lock(mu_);
    auto it = entries_.find(std::string(address));
    if (it == entries_.end()) return 0;
    const int64_t window_end = it->second.window_start_ms + window_ms_;
    if (now_ms >= window_end) {
        lru_.erase(it->second.lru);
        entries_.erase(it);
        return 0;
    }
    return it->second.failures >= max_failures_ ? window_end - now_ms : 0;
}

void FailureRateLimiter::RecordFailure(std::string_view address, int64_t now_ms) {
    if (max_failures_ == 0) return;
    std::lock_guard lock(mu_);
    std::string key(address);
    auto it = entries_.find(key);
    if (it == entries_.end()) {
        if (entries_.size() >= max_addresses_) {
            entries_.erase(lru_.back());
            lru_.pop_back();
        }
        lru_.push_front(key);
        it = entries_.emplace(std::move(key), Entry{lru_.begin(), now_ms, 0}).first;
    } else {
        lru_.splice(lru_.begin(), lru_, it->second.lru);
        if (now_ms >= it->second.window_start_ms + window_ms_) {
            it->second.window_start_ms = now_ms;
            it->second.failures = 0;
        }
    }
    ++it->second.failures;
}

void FailureRateLimiter::RecordSuccess(std::string_view address) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(std::string(address));
    if (it == entries_.end()) return;
    lru_.erase(it->second.lru);
    entries_.erase(it);
}

size_t FailureRateLimiter::tracked() const {
    std::lock_guard lock(mu_);
    return entries_.size();
}

}  // namespace onair::manager
