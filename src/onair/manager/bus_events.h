// SPDX-License-Identifier: Apache-2.0
#pragma once
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

/// What the manager takes from the bus: the other roles' events. Today
/// `media.gap` (an edge found records missing from the log), which becomes
/// one broadcast.gap event of the live broadcast. The work runs through
/// `post` (the manager's workers: it reaches the store), never on the bus's
/// thread.
class BusEventConsumer final : public bus::EventSink {
public:
    using Post = std::function<void(std::function<void()>)>;
    BusEventConsumer(ManagerService& service, Post post) : service_(service), post_(std::move(post)) {}
    void OnEvent(std::string_view key, std::string_view json) override;

private:
    ManagerService& service_;
    Post post_;
};

}  // namespace onair::manager
