// SPDX-License-Identifier: Apache-2.0
#include "onair/app/edge_node.h"

#include "onair/bus/open_bus.h"
#include "onair/runtime/wall_clock.h"

namespace onair::app {

namespace {

server::hls::HlsOptions HlsOptionsOf(const runtime::Config& c) {
    server::hls::HlsOptions o;
    o.segment_target_ticks = c.hls.segment_duration_ms * 90;
    o.window_segments = c.hls.window_segments;
    o.container = c.hls.container == "fmp4" ? packager::HlsRendition::Container::kFmp4
                                            : packager::HlsRendition::Container::kMpegTs;
    return o;
}

server::bus::MediaImporterOptions ImporterOptionsOf(const runtime::Config& c) {
    server::bus::MediaImporterOptions o;
    o.node_id = c.node_id;
    o.idle_timeout = std::chrono::milliseconds(c.bus.edge_idle_timeout_ms);
    return o;
}

}  // namespace

EdgeNode::EdgeNode(const runtime::Config& config, bus::Bus& bus, runtime::Metrics& metrics)
    : config_(config),
      bus_(bus),
      hls_(HlsOptionsOf(config), std::chrono::seconds(60)),
      importer_(hls_, bus, metrics, ImporterOptionsOf(config)),
      audience_observer_(config.rtmp.app, hls_, audience_),
      reporter_(bus, audience_, audience_observer_, config.node_id) {}

EdgeNode::~EdgeNode() { Stop(); }

base::Status EdgeNode::Start() {
    const int64_t since = runtime::WallClockMs() - bus::LookbackMs(config_);
    subscription_ = bus_.SubscribeMedia(since, importer_, bus::MediaTopic::kSource);
    if (subscription_) renditions_ = bus_.SubscribeMedia(since, importer_, bus::MediaTopic::kRenditions);
    if (!subscription_ || !renditions_)
        return base::MakeError(base::ErrorCode::kIo, "edge: cannot subscribe to " + bus_.describe());
    sweeper_ = std::thread([this] {
        std::unique_lock lock(mu_);
        while (!cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) {
            lock.unlock();
            importer_.Sweep();
            lock.lock();
        }
    });
    reporter_.Start();
    return {};
}

void EdgeNode::Stop() {
    reporter_.Stop();
    renditions_.reset();
    subscription_.reset();
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (sweeper_.joinable()) sweeper_.join();
}

}  // namespace onair::app
