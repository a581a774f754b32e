// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <memory>

#include "onair/base/result.h"
#include "onair/bus/bus.h"
#include "onair/runtime/config.h"
#include "onair/runtime/metrics.h"
#include "onair/server/hls/audience.h"
#include "onair/server/hls/audience_observer.h"
#include "onair/server/hls/audience_reporter.h"
#include "onair/server/http/pull_through_cache.h"

namespace onair::app {

/// `onair edge --upstream URL`: a pull-through cache in front of another
/// edge or the origin (server::http::PullThroughCache). It packages
/// nothing, yet counts its viewers like an edge
/// (server::hls::CacheAudienceObserver) and, given a bus (`--bus
/// kafka://...`), reports them as `edge.stats` for the manager to add to
/// the edges' counts; with the in-process bus there is no manager to tell.
class CacheNode {
public:
    static base::Result<std::unique_ptr<CacheNode>> Make(const runtime::Config& config, bus::Bus& bus,
                                                         runtime::Metrics& metrics);

    server::http::PullThroughCache& cache() { return *cache_; }
    server::http::RequestObserver& audience_observer() { return observer_; }

    void Start();
    void Stop();

private:
    CacheNode(const runtime::Config& config, bus::Bus& bus, std::unique_ptr<server::http::PullThroughCache> cache);

    const bool report_;
    std::unique_ptr<server::http::PullThroughCache> cache_;
    server::hls::Audience audience_;
    server::hls::CacheAudienceObserver observer_;
    server::hls::AudienceReporter reporter_;
};

}  // namespace onair::app
