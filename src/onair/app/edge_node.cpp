// SPDX-License-Identifier: Apache-2.0
#include "onair/app/edge_node.h"

#include <cstdlib>

#include "onair/bus/open_bus.h"
#include "onair/runtime/wall_clock.h"

namespace onair::app {

namespace {

// PART-TARGET in 90 kHz ticks. Milliseconds cannot say 1/3 s: a value
// within a millisecond of a multiple of 1/3 s is that multiple (333 ->
// 30000, exactly 10 frames at 30 fps, 8 at 24), so parts hold whole frames.
int64_t PartTargetTicks(uint32_t ms) {
    const int64_t thirds = (static_cast<int64_t>(ms) * 3 + 500) / 1000;
    if (thirds > 0 && std::abs(thirds * 1000 - static_cast<int64_t>(ms) * 3) <= 3) return thirds * 30000;
    return static_cast<int64_t>(ms) * 90;
}

server::hls::HlsOptions HlsOptionsOf(const runtime::Config& c) {
    server::hls::HlsOptions o;
    o.segment_target_ticks = c.hls.segment_duration_ms * 90;
    o.window_segments = c.hls.window_segments;
    o.container = c.hls.container == "fmp4" ? packager::HlsRendition::Container::kFmp4
                                            : packager::HlsRendition::Container::kMpegTs;
    o.part_target_ticks = PartTargetTicks(c.hls.part_duration_ms);
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
