// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace onair::runtime {

/// N io_contexts, each run by exactly one thread. Work placed on one context
/// runs on one thread, so a connection's coroutines need no locks.
class IoPool {
public:
    /// threads == 0: one per hardware thread.
    explicit IoPool(unsigned threads);
    ~IoPool();
    IoPool(const IoPool&) = delete;
    IoPool& operator=(const IoPool&) = delete;

    /// Round-robin.
    boost::asio::io_context& Next();
    size_t size() const { return contexts_.size(); }

    /// Starts the threads (returns at once).
    void Run();
    /// Stops every context; threads exit after their current handler.
    void Stop();
    void Join();

private:
    /// An io_context whose services can be shut down before any context of
    /// the pool is destroyed: an operation pending on one context (an accept)
    /// may own a socket of another, and must never outlive that one's services.
    class Context : public boost::asio::io_context {
    public:
        using boost::asio::io_context::io_context;
        void ShutdownServices() { shutdown(); }
    };
    using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
    std::vector<std::unique_ptr<Context>> contexts_;
    std::vector<Guard> guards_;
    std::vector<std::thread> threads_;
    std::atomic<size_t> next_{0};
};

}  // namespace onair::runtime
