// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>

namespace onair::server::http {

/// Lets coroutines on IO threads wait, without holding a thread, for
/// something another thread changes: a playlist that gains a part (blocking
/// playlist reload), a streamed body that gains bytes (BodyStream).
///
/// The producer calls Notify() after each change, from any thread: it bumps
/// version() and wakes every waiter; with nobody waiting it is one atomic
/// add and one atomic load (no lock, no allocation), and it never waits for
/// a waiter (each is woken by a post to its own executor).
///
/// A waiter is a coroutine on a single-threaded executor (an IoPool
/// io_context): it resumes there, when notified or at its deadline. At most
/// `max_waiters` wait at once; one more is answered kBusy at once (an HTTP
/// handler then sends 503 with Retry-After). A waiter that is cancelled
/// (asio per-operation cancellation: HttpSession cancels a route's handler
/// when its client closes, see HttpDispatcher::AsyncOptions) or whose
/// coroutine is destroyed leaves the list at once (RAII), so waiters()
/// counts live waits only.
///
/// Lifetime: the notifier outlives its waiters, and Notify() is not called
/// once the io_contexts of its waiters are destroyed.
class ChangeNotifier {
public:
    enum class Wait {
        kChanged,    // version() moved past the one seen (WaitFor: the predicate holds)
        kTimedOut,   // the deadline passed with no change
        kBusy,       // max_waiters were already waiting: not waited
        kCancelled,  // the wait was cancelled (the client went away)
    };
    using Clock = std::chrono::steady_clock;

    static constexpr size_t kDefaultMaxWaiters = 10000;
    explicit ChangeNotifier(size_t max_waiters = kDefaultMaxWaiters) : max_waiters_(max_waiters) {}
    ChangeNotifier(const ChangeNotifier&) = delete;
    ChangeNotifier& operator=(const ChangeNotifier&) = delete;

    /// Bumps the version and wakes every waiter. Any thread.
    void Notify();
    /// Incremented by every Notify(); read it before looking at the state,
    /// then WaitChange(seen) misses no change made after the read.
    uint64_t version() const { return version_.load(std::memory_order_acquire); }
    /// Coroutines waiting now.
    size_t waiters() const { return waiting_.load(std::memory_order_acquire); }
    size_t max_waiters() const { return max_waiters_; }

    /// Resumes when version() != seen (at once when it already is), or at
    /// `deadline`.
    boost::asio::awaitable<Wait> WaitChange(uint64_t seen, Clock::time_point deadline);
    boost::asio::awaitable<Wait> WaitChange(uint64_t seen, Clock::duration timeout) {
        return WaitChange(seen, Clock::now() + timeout);
    }
    /// Resumes when `holds()` is true, checked at once and after every
    /// Notify() (on the waiter's thread, so it must be thread-safe against
    /// the producer), or at `deadline`: kChanged when it holds.
    boost::asio::awaitable<Wait> WaitFor(std::function<bool()> holds, Clock::time_point deadline);

private:
    struct Waiter;
    using List = std::list<std::shared_ptr<Waiter>>;
    struct Registration;

    const size_t max_waiters_;
    std::atomic<uint64_t> version_{0};
    std::atomic<size_t> waiting_{0};
    std::mutex mu_;
    List list_;  // guarded by mu_
};

}  // namespace onair::server::http
