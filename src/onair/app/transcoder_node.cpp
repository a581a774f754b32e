// SPDX-License-Identifier: Apache-2.0
#include "onair/app/transcoder_node.h"

#include "onair/format/ladder/ladder.h"

namespace onair::app {

base::Result<std::unique_ptr<TranscoderNode>> TranscoderNode::Make(const runtime::Config& config, bus::Bus& bus,
                                                                   runtime::Metrics& metrics) {
    transcode::TranscoderOptions o;
    o.node_id = config.node_id;
    if (!config.transcode.ladder.empty()) {
        auto ladder = format::ladder::ParseLadder(config.transcode.ladder);
        if (!ladder.ok()) return base::MakeError(base::ErrorCode::kInvalidData, "config: transcode.ladder: " + ladder.error().message);
        o.default_ladder = std::move(ladder.value());
    }
    o.preset = config.transcode.preset;
    // One thread per rendition: the renditions already run side by side.
    o.threads = config.transcode.threads > 0 ? static_cast<int>(config.transcode.threads) : 1;
    o.max_start_lag = std::chrono::milliseconds(config.transcode.max_start_lag_ms);
    o.max_backlog = std::chrono::milliseconds(config.transcode.max_backlog_ms);
    o.idle_timeout = std::chrono::milliseconds(config.bus.edge_idle_timeout_ms);
    return std::unique_ptr<TranscoderNode>(new TranscoderNode(config, bus, std::move(o), metrics));
}

TranscoderNode::TranscoderNode(const runtime::Config& config, bus::Bus& bus, transcode::TranscoderOptions options,
                               runtime::Metrics& metrics)
    : config_(config),
      bus_(bus),
      service_(std::make_unique<transcode::TranscoderService>(bus, metrics, std::move(options))) {}

TranscoderNode::~TranscoderNode() { Stop(); }

base::Status TranscoderNode::Start() {
    subscription_ = bus_.SubscribeMediaGroup(config_.transcode.group, *service_);
    if (!subscription_)
        return base::MakeError(base::ErrorCode::kIo, "transcoder: cannot join group " + config_.transcode.group +
                                                         " on " + bus_.describe());
    sweeper_ = std::thread([this] {
        std::unique_lock lock(mu_);
        while (!cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; })) {
            lock.unlock();
            service_->Sweep();
            lock.lock();
        }
    });
    return {};
}

void TranscoderNode::Stop() {
    subscription_.reset();
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (sweeper_.joinable()) sweeper_.join();
    service_.reset();
}

}  // namespace onair::app
