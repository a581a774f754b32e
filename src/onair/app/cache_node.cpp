// SPDX-License-Identifier: Apache-2.0
#include "onair/app/cache_node.h"

namespace onair::app {

base::Result<std::unique_ptr<CacheNode>> CacheNode::Make(const runtime::Config& config, bus::Bus& bus,
                                                         runtime::Metrics& metrics) {
    server::http::PullThroughOptions o;
    o.upstream = config.edge.upstream;
    o.max_bytes = uint64_t{config.edge.cache_mib} << 20;
    o.fetch_timeout = std::chrono::milliseconds(config.edge.upstream_timeout_ms);
    auto made = server::http::PullThroughCache::Make(std::move(o), metrics);
    if (!made.ok()) return made.error();
    return std::unique_ptr<CacheNode>(new CacheNode(config, bus, std::move(made.value())));
}

CacheNode::CacheNode(const runtime::Config& config, bus::Bus& bus, std::unique_ptr<server::http::PullThroughCache> cache)
    : report_(bus.has_log()),
      cache_(std::move(cache)),
      observer_(config.rtmp.app, audience_),
      reporter_(bus, audience_, observer_, config.node_id) {}

void CacheNode::Start() {
    if (report_) reporter_.Start();
}

void CacheNode::Stop() { reporter_.Stop(); }

}  // namespace onair::app
