// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <memory>

#include "onair/base/result.h"
#include "onair/bus/bus.h"
#include "onair/origin/recorder_service.h"
#include "onair/runtime/config.h"
#include "onair/runtime/metrics.h"
#include "onair/server/http/http_dispatcher.h"

namespace onair::app {

/// The origin role, as `onair origin` and `onair serve` run it: a member of
/// the consumer group `origin.group` on the source topic with manual
/// commits (a restarted origin resumes at the first record it had not made
/// durable), recordings below `origin.dir`, served under /vod/.
class OriginNode {
public:
    OriginNode(const runtime::Config& config, bus::Bus& bus, runtime::Metrics& metrics);
    ~OriginNode();

    /// The /vod/ routes.
    void AddRoutes(server::http::HttpDispatcher& routes);
    base::Status Start();
    /// Leaves the group after writing what was queued and committing it.
    void Stop();

    origin::RecorderService& recorder() { return *recorder_; }

private:
    const runtime::Config& config_;
    bus::Bus& bus_;
    std::unique_ptr<origin::RecorderService> recorder_;
    std::unique_ptr<bus::Subscription> media_;
    std::unique_ptr<bus::Subscription> events_;
};

}  // namespace onair::app
