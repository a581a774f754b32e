// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <memory>

#include "onair/bus/bus.h"
#include "onair/router/stream_hub.h"

namespace onair::server::bus {

/// The ingest's side of the bus: every broadcast of the hub, as media
/// records on the bus (onair.media). Subscribes to each broadcast when it
/// starts; the records are produced on the publisher's thread, in order,
/// and never block it (the bus drops and counts what it cannot take).
///
/// Each broadcast's records are numbered from 0 (MediaRecord::sequence), so
/// a consumer sees a gap as a jump. The codec configs and metadata are sent
/// again just before every packet that starts a segment: a consumer that
/// starts reading at any segment start has all it needs.
class MediaExporter final : public router::HubListener {
public:
    explicit MediaExporter(onair::bus::Bus& bus) : bus_(bus) {}

    void OnBroadcastStarted(const std::shared_ptr<router::Broadcast>& broadcast) override;
    void OnBroadcastEnded(const std::shared_ptr<router::Broadcast>& broadcast) override;

private:
    onair::bus::Bus& bus_;
};

}  // namespace onair::server::bus
