// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <string_view>

#include "onair/bus/bus.h"
#include "onair/manager/manager_service.h"

namespace onair::manager {

/// Puts every manager event on the bus (onair.events), as the JSON body a
/// webhook receives, keyed by channel name so a channel's events stay in
/// order. Readable with kcat; see docs/EVENTS.md.
class BusEventPublisher final : public EventListener {
public:
    explicit BusEventPublisher(bus::Bus& bus) : bus_(bus) {}
    void OnEvent(const store::Event& event) override;

private:
    bus::Bus& bus_;
};

/// What the manager takes from the bus: the other roles' events.
/// `media.gap` (an edge found records missing from the log) becomes one
/// broadcast.gap event of the live broadcast; an origin's recording.*
/// events keep the recordings catalog (ManagerService::RecordingReported);
/// an edge's `edge.stats` its viewers of the broadcast
/// (ManagerService::EdgeStatsReported, on the bus's thread: memory only).
/// Events are read on the bus's thread (at most kMaxRecordingEventBytes;
/// malformed ones are counted, logged and skipped); the work runs through
/// `post` (the manager's workers: it reaches the store), never on the bus's
/// thread.
class BusEventConsumer final : public bus::EventSink {
public:
    using Post = std::function<void(std::function<void()>)>;
    BusEventConsumer(ManagerService& service, Post post) : service_(service), post_(std::move(post)) {}
    void OnEvent(std::string_view key, std::string_view json) override;

    /// Events of a type the manager reads that were malformed (or refused
    /// by the store) and skipped.
    uint64_t skipped() const { return skipped_.load(std::memory_order_relaxed); }

private:
    void OnRecordingEvent(const nlohmann::json& event);
    void Skip(std::string_view type, std::string_view why);

    ManagerService& service_;
    Post post_;
    std::atomic<uint64_t> skipped_{0};
};

}  // namespace onair::manager
