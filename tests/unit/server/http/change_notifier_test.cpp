// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/change_notifier.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "onair/runtime/io_pool.h"
#include "unit/server/http/http_test_server.h"

namespace onair::server::http {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Wait = ChangeNotifier::Wait;
using testing::Eventually;

// Results of waits that ended, and when.
struct Outcomes {
    std::mutex mu;
    std::vector<Wait> results;
    std::vector<Clock::time_point> at;
    std::atomic<size_t> count{0};
    void Add(Wait w) {
        std::lock_guard lock(mu);
        results.push_back(w);
        at.push_back(Clock::now());
        count.fetch_add(1);
    }
};

asio::awaitable<void> WaitOnce(ChangeNotifier& n, uint64_t seen, Clock::duration timeout, Outcomes& out) {
    out.Add(co_await n.WaitChange(seen, timeout));
}

TEST(ChangeNotifier, OneNotifyWakesAThousandWaitersOnTwoIoThreadsWithinMilliseconds) {
    runtime::IoPool pool(2);
    pool.Run();
    ChangeNotifier n(2000);
    Outcomes out;
    const uint64_t seen = n.version();
    for (int i = 0; i < 1000; ++i) asio::co_spawn(pool.Next(), WaitOnce(n, seen, 30s, out), asio::detached);
    ASSERT_TRUE(Eventually([&] { return n.waiters() == 1000; })) << n.waiters();
    const auto notified = Clock::now();
    n.Notify();
    ASSERT_TRUE(Eventually([&] { return out.count == 1000; })) << out.count;
    Clock::time_point last = notified;
    for (size_t i = 0; i < out.results.size(); ++i) {
        EXPECT_EQ(out.results[i], Wait::kChanged);
        last = std::max(last, out.at[i]);
    }
    const double ms = std::chrono::duration<double, std::milli>(last - notified).count();
    std::printf("1000 waiters woken by one Notify in %.2f ms\n", ms);
    EXPECT_LT(ms, 50.0);
    EXPECT_EQ(n.waiters(), 0u);
    pool.Stop();
    pool.Join();
}

TEST(ChangeNotifier, ATimeoutResumesWithNoChange) {
    asio::io_context io;
    ChangeNotifier n;
    Outcomes out;
    const auto start = Clock::now();
    asio::co_spawn(io, WaitOnce(n, n.version(), 50ms, out), asio::detached);
    io.run();
    const auto waited = Clock::now() - start;
    ASSERT_EQ(out.results.size(), 1u);
    EXPECT_EQ(out.results[0], Wait::kTimedOut);
    EXPECT_GE(waited, 50ms);
    EXPECT_LT(waited, 1000ms);
    EXPECT_EQ(n.waiters(), 0u);
}

TEST(ChangeNotifier, AVersionAlreadyPastIsAChangeAtOnce) {
    asio::io_context io;
    ChangeNotifier n;
    const uint64_t seen = n.version();
    n.Notify();
    Outcomes out;
    asio::co_spawn(io, WaitOnce(n, seen, 10s, out), asio::detached);
    io.run();
    ASSERT_EQ(out.results.size(), 1u);
    EXPECT_EQ(out.results[0], Wait::kChanged);
}

TEST(ChangeNotifier, BeyondTheCapAWaiterIsBusyAtOnce) {
    runtime::IoPool pool(1);
    pool.Run();
    ChangeNotifier n(3);
    Outcomes out;
    const uint64_t seen = n.version();
    for (int i = 0; i < 3; ++i) asio::co_spawn(pool.Next(), WaitOnce(n, seen, 30s, out), asio::detached);
    ASSERT_TRUE(Eventually([&] { return n.waiters() == 3; }));
    asio::co_spawn(pool.Next(), WaitOnce(n, seen, 30s, out), asio::detached);
    ASSERT_TRUE(Eventually([&] { return out.count == 1; }));
    EXPECT_EQ(out.results[0], Wait::kBusy);
    n.Notify();
    ASSERT_TRUE(Eventually([&] { return out.count == 4; }));
    for (size_t i = 1; i < 4; ++i) EXPECT_EQ(out.results[i], Wait::kChanged);
    pool.Stop();
    pool.Join();
}

TEST(ChangeNotifier, WaitForResumesOnlyOnceThePredicateHolds) {
    runtime::IoPool pool(1);
    pool.Run();
    ChangeNotifier n;
    std::atomic<int> parts{0};
    Outcomes out;
    auto wait = [&]() -> asio::awaitable<void> {
        out.Add(co_await n.WaitFor([&] { return parts.load() >= 3; }, Clock::now() + 10s));
    };
    asio::co_spawn(pool.Next(), wait(), asio::detached);
    for (int i = 1; i <= 3; ++i) {
        ASSERT_TRUE(Eventually([&] { return n.waiters() == 1; }));
        EXPECT_EQ(out.count, 0u) << "woken before part " << i;
        parts.store(i);
        n.Notify();
    }
    ASSERT_TRUE(Eventually([&] { return out.count == 1; }));
    EXPECT_EQ(out.results[0], Wait::kChanged);
    EXPECT_EQ(n.waiters(), 0u);
    pool.Stop();
    pool.Join();
}

TEST(ChangeNotifier, ACancelledWaitLeavesTheListAtOnce) {
    asio::io_context io;
    ChangeNotifier n;
    Outcomes out;
    asio::cancellation_signal cancel;
    asio::co_spawn(io, WaitOnce(n, n.version(), 30s, out), asio::bind_cancellation_slot(cancel.slot(), asio::detached));
    io.poll();
    ASSERT_EQ(n.waiters(), 1u);
    cancel.emit(asio::cancellation_type::terminal);
    io.run();
    ASSERT_EQ(out.results.size(), 1u);
    EXPECT_EQ(out.results[0], Wait::kCancelled);
    EXPECT_EQ(n.waiters(), 0u);
}

TEST(ChangeNotifier, AWaiterWhoseCoroutineIsDestroyedLeavesTheList) {
    ChangeNotifier n;
    Outcomes out;
    {
        asio::io_context io;
        asio::co_spawn(io, WaitOnce(n, n.version(), 30s, out), asio::detached);
        io.poll();
        ASSERT_EQ(n.waiters(), 1u);
    }  // the io_context destroys the suspended coroutine
    EXPECT_EQ(n.waiters(), 0u);
    EXPECT_EQ(out.count, 0u);
    n.Notify();  // nobody left to wake
}

TEST(ChangeNotifier, NotifyWithNobodyWaitingIsCheap) {
    ChangeNotifier n;
    const auto start = Clock::now();
    for (int i = 0; i < 1000000; ++i) n.Notify();
    const double ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count() / 1e6;
    std::printf("Notify() with no waiter: %.1f ns\n", ns);
    EXPECT_EQ(n.version(), 1000000u);
    EXPECT_LT(ns, 1000.0);
}

}  // namespace
}  // namespace onair::server::http
