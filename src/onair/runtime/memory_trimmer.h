// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

namespace onair::runtime {

/// Hands memory that the allocator holds free back to the kernel every
/// `period` (glibc malloc_trim). A burst — hundreds of players joining at
/// once, each sent a GOP — frees its buffers a moment later, but glibc keeps
/// the pages; without this the process's RSS stays at its high-water mark.
class MemoryTrimmer {
public:
    MemoryTrimmer(boost::asio::io_context& io, std::chrono::milliseconds period);
    void Start();
    void Stop();

private:
    void Arm();

    boost::asio::steady_timer timer_;
    const std::chrono::milliseconds period_;
    bool stopped_ = false;
};

}  // namespace onair::runtime
