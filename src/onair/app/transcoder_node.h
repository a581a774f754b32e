// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "onair/base/result.h"
#include "onair/bus/bus.h"
#include "onair/runtime/config.h"
#include "onair/runtime/metrics.h"
#include "onair/transcode/transcoder_service.h"

namespace onair::app {

/// The transcoder role, as `onair transcoder` and `onair serve` run it: a
/// member of the consumer group `transcode.group` on the media topic (the
/// group's members share the broadcasts; one that dies has its broadcasts
/// moved to the others), renditions onto the renditions topic.
class TranscoderNode {
public:
    /// kInvalidData when transcode.ladder is not a valid ladder.
    static base::Result<std::unique_ptr<TranscoderNode>> Make(const runtime::Config& config, bus::Bus& bus,
                                                              runtime::Metrics& metrics);
    ~TranscoderNode();

    base::Status Start();
    /// Leaves the group (no record is delivered after it returns); the
    /// broadcasts' pipelines stop without ending their renditions.
    void Stop();

private:
    TranscoderNode(const runtime::Config& config, bus::Bus& bus, transcode::TranscoderOptions options,
                   runtime::Metrics& metrics);

    const runtime::Config& config_;
    bus::Bus& bus_;
    std::unique_ptr<transcode::TranscoderService> service_;
    std::unique_ptr<bus::Subscription> subscription_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopping_ = false;
    std::thread sweeper_;
};

}  // namespace onair::app
