// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>

namespace onair::bus {

/// Lets a repeated log line through at most once per interval (a broker
/// outage must not turn into a log flood). Thread-safe.
class LogThrottle {
public:
    explicit LogThrottle(std::chrono::steady_clock::duration interval) : interval_(interval.count()) {}

    bool Allow() {
        const int64_t now = std::chrono::steady_clock::now().time_since_epoch().count();
        int64_t last = last_.load(std::memory_order_relaxed);
        if (last != kNever && now - last < interval_) return false;
        return last_.compare_exchange_strong(last, now, std::memory_order_relaxed);
    }

private:
    static constexpr int64_t kNever = INT64_MIN;
    const int64_t interval_;
    std::atomic<int64_t> last_{kNever};
};

}  // namespace onair::bus
