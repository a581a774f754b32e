// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/change_notifier.h"

#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <iterator>

namespace onair::server::http {

namespace asio = boost::asio;

// One waiting coroutine: a timer on its executor, cancelled there (by a
// post) to wake it. `linked` and `at` are guarded by the notifier's mutex.
struct ChangeNotifier::Waiter {
    explicit Waiter(asio::any_io_executor ex) : timer(std::move(ex)) {}
    asio::steady_timer timer;
    bool linked = false;
    List::iterator at;
};

// Takes the waiter out of the list when its wait ends, however it ends
// (woken, timed out, cancelled, its frame destroyed).
struct ChangeNotifier::Registration {
    ChangeNotifier& notifier;
    Waiter& waiter;
    ~Registration() {
        std::lock_guard lock(notifier.mu_);
        if (!waiter.linked) return;
        notifier.list_.erase(waiter.at);
        waiter.linked = false;
        notifier.waiting_.fetch_sub(1);
    }
};

void ChangeNotifier::Notify() {
    // Seq-cst against the waiter's (increment waiting_, then read version_):
    // either it sees the new version or this sees it waiting.
    version_.fetch_add(1);
    if (waiting_.load() == 0) return;
    List woken;
    {
        std::lock_guard lock(mu_);
        woken.swap(list_);
        for (auto& w : woken) w->linked = false;
        waiting_.fetch_sub(woken.size());
    }
    for (auto& w : woken) asio::post(w->timer.get_executor(), [w] { w->timer.cancel(); });
}

asio::awaitable<ChangeNotifier::Wait> ChangeNotifier::WaitChange(uint64_t seen, Clock::time_point deadline) {
    if (version() != seen) co_return Wait::kChanged;
    if (Clock::now() >= deadline) co_return Wait::kTimedOut;
    auto waiter = std::make_shared<Waiter>(co_await asio::this_coro::executor);
    {
        std::lock_guard lock(mu_);
        if (waiting_.load() >= max_waiters_) co_return Wait::kBusy;
        list_.push_back(waiter);
        waiter->at = std::prev(list_.end());
        waiter->linked = true;
        waiting_.fetch_add(1);
    }
    Registration registration{*this, *waiter};
    if (version() != seen) co_return Wait::kChanged;  // a Notify() between the first check and the registration
    waiter->timer.expires_at(deadline);
    // Woken by Notify()'s cancel, by a cancellation of this coroutine's operation, or the deadline.
    auto [ec] = co_await waiter->timer.async_wait(asio::experimental::as_tuple(asio::use_awaitable));
    if (version() != seen) co_return Wait::kChanged;
    co_return ec == asio::error::operation_aborted ? Wait::kCancelled : Wait::kTimedOut;
}

asio::awaitable<ChangeNotifier::Wait> ChangeNotifier::WaitFor(std::function<bool()> holds, Clock::time_point deadline) {
    for (;;) {
        const uint64_t seen = version();
        if (holds()) co_return Wait::kChanged;
        const Wait w = co_await WaitChange(seen, deadline);
        if (w == Wait::kTimedOut && holds()) co_return Wait::kChanged;
        if (w != Wait::kChanged) co_return w;
    }
}

}  // namespace onair::server::http
