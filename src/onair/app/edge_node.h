// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "onair/bus/bus.h"
#include "onair/runtime/config.h"
#include "onair/runtime/metrics.h"
#include "onair/server/bus/media_importer.h"
#include "onair/server/hls/audience.h"
#include "onair/server/hls/audience_observer.h"
#include "onair/server/hls/audience_reporter.h"
#include "onair/server/hls/hls_service.h"

namespace onair::app {

/// The edge role, as `onair edge` and `onair serve` run it: media records
/// from the bus, packaged as HLS in memory (server::hls::HlsService), for
/// server::MakeRoutes to serve. At start it reads the log from
/// `bus.lookback_ms` back (default: the HLS window), so a broadcast that is
/// already live is served at once from its past segments. Every
/// AudienceReporter::kInterval it publishes each broadcast's viewers and
/// bytes (`edge.stats`, docs/EVENTS.md) for the manager.
class EdgeNode {
public:
    EdgeNode(const runtime::Config& config, bus::Bus& bus, runtime::Metrics& metrics);
    ~EdgeNode();

    server::hls::HlsService& hls() { return hls_; }
    /// Counts the viewers of the requests it is told of (add it to the
    /// HttpServer); reported on the bus as `edge.stats`.
    server::http::RequestObserver& audience_observer() { return audience_observer_; }

    /// Subscribes to the bus and starts the idle sweep.
    base::Status Start();
    /// Unsubscribes (no record is delivered after it returns) and stops the sweep.
    void Stop();

private:
    const runtime::Config& config_;
    bus::Bus& bus_;
    server::hls::HlsService hls_;
    server::bus::MediaImporter importer_;
    server::hls::Audience audience_;
    server::hls::AudienceObserver audience_observer_;
    server::hls::AudienceReporter reporter_;
    std::unique_ptr<bus::Subscription> subscription_;  // the source topic
    std::unique_ptr<bus::Subscription> renditions_;    // the transcoders' topic
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread sweeper_;
};

}  // namespace onair::app
