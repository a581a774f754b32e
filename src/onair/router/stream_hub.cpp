// SPDX-License-Identifier: Apache-2.0
#include "onair/router/stream_hub.h"

#include <cstdio>
#include <random>

#include "onair/runtime/wall_clock.h"

namespace onair::router {

StreamHub::StreamHub(BroadcastOptions options) : options_(options) {}

std::string StreamHub::NewBroadcastId(const std::string& channel) {
    // Time-ordered and unique across restarts: ms since epoch + random.
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    const auto ms = runtime::WallClockMs();
    char buf[64];
    std::snprintf(buf, sizeof buf, "%llx-%06llx", static_cast<unsigned long long>(ms),
                  static_cast<unsigned long long>(rng() & 0xffffff));
    (void)channel;
    ++broadcast_counter_;
    return buf;
}

StreamHub::PublishGrant StreamHub::StartPublish(const std::string& channel, uint64_t publisher_id,
                                                std::function<void()> evict) {
    PublishGrant grant;
    std::vector<HubListener*> listeners;
    bool started = false;
    {
        std::lock_guard lock(mu_);
        auto it = broadcasts_.find(channel);
        if (it == broadcasts_.end()) {
            auto b = std::make_shared<Broadcast>(channel, NewBroadcastId(channel), options_);
            it = broadcasts_.emplace(channel, std::move(b)).first;
            started = true;
            listeners = listeners_;
        }
        grant.broadcast = it->second;
    }
    const bool had_publisher = grant.broadcast->has_publisher();
    auto previous = grant.broadcast->Attach(publisher_id, std::move(evict));
    grant.takeover = had_publisher;
    grant.resumed = !started && !had_publisher;
    if (previous) previous();
    for (auto* l : listeners) l->OnBroadcastStarted(grant.broadcast);
    return grant;
}

void StreamHub::StopPublish(const std::shared_ptr<Broadcast>& broadcast, uint64_t publisher_id) {
    broadcast->Detach(publisher_id);
}

bool StreamHub::EndIfIdle(const std::shared_ptr<Broadcast>& broadcast) {
    std::vector<HubListener*> listeners;
    {
        std::lock_guard lock(mu_);
        if (broadcast->has_publisher()) return false;
        auto it = broadcasts_.find(broadcast->channel());
        if (it == broadcasts_.end() || it->second != broadcast) return false;
        broadcasts_.erase(it);
        listeners = listeners_;
    }
    broadcast->End();
    for (auto* l : listeners) l->OnBroadcastEnded(broadcast);
    return true;
}

void StreamHub::EndAll() {
    std::map<std::string, std::shared_ptr<Broadcast>, std::less<>> all;
    std::vector<HubListener*> listeners;
    {
        std::lock_guard lock(mu_);
        all.swap(broadcasts_);
        listeners = listeners_;
    }
    for (auto& [name, b] : all) {
        b->End();
        for (auto* l : listeners) l->OnBroadcastEnded(b);
    }
}

std::shared_ptr<Broadcast> StreamHub::Find(const std::string& channel) const {
    std::lock_guard lock(mu_);
    auto it = broadcasts_.find(channel);
    return it == broadcasts_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<Broadcast>> StreamHub::List() const {
    std::lock_guard lock(mu_);
    std::vector<std::shared_ptr<Broadcast>> out;
    for (const auto& [n, b] : broadcasts_) out.push_back(b);
    return out;
}

void StreamHub::AddListener(HubListener* listener) {
    std::lock_guard lock(mu_);
    listeners_.push_back(listener);
}

}  // namespace onair::router
