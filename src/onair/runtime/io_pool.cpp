// SPDX-License-Identifier: Apache-2.0
#include "onair/runtime/io_pool.h"

namespace onair::runtime {

IoPool::IoPool(unsigned threads) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < threads; ++i) {
        contexts_.push_back(std::make_unique<Context>(1));
        guards_.push_back(boost::asio::make_work_guard(*contexts_.back()));
    }
}

IoPool::~IoPool() {
    Stop();
    Join();
    // Two phases: first every context drops its pending operations (sockets
    // they own may belong to other contexts, still whole), then all go.
    guards_.clear();
    for (auto& ctx : contexts_) ctx->ShutdownServices();
    contexts_.clear();
}

boost::asio::io_context& IoPool::Next() { return *contexts_[next_.fetch_add(1) % contexts_.size()]; }

void IoPool::Run() {
    for (auto& ctx : contexts_) {
        threads_.emplace_back([c = ctx.get()] { c->run(); });
    }
}

void IoPool::Stop() {
    for (auto& g : guards_) g.reset();
    for (auto& ctx : contexts_) ctx->stop();
}

void IoPool::Join() {
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    threads_.clear();
}

}  // namespace onair::runtime
