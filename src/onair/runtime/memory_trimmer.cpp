// SPDX-License-Identifier: Apache-2.0
#include "onair/runtime/memory_trimmer.h"

#include <malloc.h>

namespace onair::runtime {

MemoryTrimmer::MemoryTrimmer(boost::asio::io_context& io, std::chrono::milliseconds period)
    : timer_(io), period_(period) {}

void MemoryTrimmer::Start() {
    if (period_.count() > 0) Arm();
}

void MemoryTrimmer::Stop() {
    stopped_ = true;
    timer_.cancel();
}

void MemoryTrimmer::Arm() {
    timer_.expires_after(period_);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopped_) return;
        ::malloc_trim(0);
        Arm();
    });
}

}  // namespace onair::runtime
