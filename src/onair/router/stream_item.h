// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <memory>

#include "onair/base/shared_buffer.h"
#include "onair/media/packet.h"

namespace onair::router {

/// What a broadcast delivers to its subscribers, in order: codec
/// configurations and metadata travel in-band so a subscriber that joins
/// late, or a takeover that changes resolution, is handled in one stream.
struct StreamItem {
    enum class Kind : uint8_t {
        kPacket,
        kVideoConfig,
        kAudioConfig,
        kMetadata,  // AMF0 onMetaData body (name + object), as RTMP players expect
        kEnd,       // the broadcast ended; no more items follow
    };
    Kind kind = Kind::kPacket;
    media::Packet packet;                              // kPacket
    std::shared_ptr<const media::CodecConfig> config;  // kVideoConfig / kAudioConfig
    base::SharedBuffer metadata;                       // kMetadata

    /// Bytes this item holds for queue accounting (payloads are shared, but
    /// a queue that holds them keeps them alive).
    size_t Cost() const {
        return 64 + packet.payload.size() + metadata.size() + (config ? config->extradata.size() : 0);
    }
};

/// Receives a broadcast's items. Called on the publisher's thread with the
/// broadcast's lock held: implementations must not block and must not call
/// back into the broadcast.
class Subscriber {
public:
    virtual ~Subscriber() = default;
    virtual void OnItem(const StreamItem& item) = 0;
    /// True for a viewer (a player), false for a packager or a recorder:
    /// what Broadcast::Stats::viewers counts.
    virtual bool is_viewer() const { return false; }
};

}  // namespace onair::router
