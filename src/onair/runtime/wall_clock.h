// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <chrono>
#include <cstdint>

namespace onair::runtime {

/// Milliseconds since the Unix epoch (system clock): for timestamps people
/// and databases read, never for measuring intervals (use steady_clock).
inline int64_t WallClockMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace onair::runtime
