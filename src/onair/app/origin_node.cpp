// SPDX-License-Identifier: Apache-2.0
#include "onair/app/origin_node.h"

#include "onair/origin/vod_routes.h"

namespace onair::app {

namespace {

origin::RecorderOptions OptionsFrom(const runtime::Config& config, const bus::Bus& bus) {
    origin::RecorderOptions o;
    o.dir = config.origin.dir.empty() ? std::filesystem::path(config.data_dir) / "recordings"
                                      : std::filesystem::path(config.origin.dir);
    o.node_id = config.node_id;
    o.public_url = config.origin.public_url;
    while (!o.public_url.empty() && o.public_url.back() == '/') o.public_url.pop_back();
    o.retention_max_age_ms = int64_t{config.origin.retention_max_age_s} * 1000;
    o.retention_max_bytes_per_channel = uint64_t{config.origin.retention_max_mib_per_channel} << 20;
    o.idle_finalize = std::chrono::milliseconds(config.origin.idle_finalize_ms);
    o.queue_bytes = size_t{config.origin.queue_mib} << 20;
    // Over Kafka the log keeps what the origin has not read yet: wait for
    // the disk rather than lose records. In-process, the publisher's
    // thread delivers: never make it wait.
    o.block_when_full = bus.has_log();
    return o;
}

}  // namespace

OriginNode::OriginNode(const runtime::Config& config, bus::Bus& bus, runtime::Metrics& metrics)
    : config_(config),
      bus_(bus),
      recorder_(std::make_unique<origin::RecorderService>(bus, metrics, OptionsFrom(config, bus))) {}

OriginNode::~OriginNode() { Stop(); }

void OriginNode::AddRoutes(server::http::HttpDispatcher& routes) {
    routes.HandleBlocking("/vod", origin::MakeVodRoutes(*recorder_));
}

base::Status OriginNode::Start() {
    recorder_->Start();
    events_ = bus_.SubscribeEvents(*recorder_);
    media_ = bus_.SubscribeMediaGroup(config_.origin.group, *recorder_, bus::GroupOptions{.manual_commit = true});
    if (!media_)
        return base::MakeError(base::ErrorCode::kIo,
                               "origin: cannot join group " + config_.origin.group + " on " + bus_.describe());
    recorder_->SetSubscription(media_.get());
    return {};
}

void OriginNode::Stop() {
    if (!recorder_) return;
    // Written and committed first, while the group membership still holds
    // the partitions; then no record is delivered any more.
    recorder_->Stop();
    media_.reset();
    events_.reset();
    recorder_.reset();
}

}  // namespace onair::app
