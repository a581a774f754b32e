// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace onair::manager {

/// Failed publish attempts per client address: after `max_failures` within
/// `window_ms`, the address is refused without a key lookup until the
/// window of its oldest counted failure has passed. Bounded: at most
/// `max_addresses` are tracked, the least recently failed forgotten first.
///
/// Thread-safe.
class FailureRateLimiter {
public:
    FailureRateLimiter(uint32_t max_failures, int64_t window_ms, size_t max_addresses = 65536);

    /// 0 if `address` may try now, else the milliseconds until it may.
    int64_t RetryAfterMs(std::string_view address, int64_t now_ms);
    void RecordFailure(std::string_view address, int64_t now_ms);
    /// A success clears the address's record.
    void RecordSuccess(std::string_view address);

    size_t tracked() const;

private:
    struct Entry {
        std::list<std::string>::iterator lru;
        int64_t window_start_ms = 0;  // first failure counted in the current window
        uint32_t failures = 0;
    };

    const uint32_t max_failures_;
    const int64_t window_ms_;
    const size_t max_addresses_;
    mutable std::mutex mu_;
    std::list<std::string> lru_;  // front: most recently failed
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace onair::manager
