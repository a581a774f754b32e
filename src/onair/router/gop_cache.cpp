// SPDX-License-Identifier: Apache-2.0
#include "onair/router/gop_cache.h"

namespace onair::router {

void GopCache::Add(const media::Packet& packet, bool stream_has_video) {
    const bool video = packet.kind == media::TrackKind::kVideo;
    if (!stream_has_video) {
        // Audio only: any frame is a start point; nothing to cache.
        return;
    }
    if (video && packet.keyframe) {
        Clear();
        overflowed_ = false;
    } else if (packets_.empty() || overflowed_) {
        return;  // not started at a keyframe yet, or this GOP is too large
    }
    if (bytes_ + packet.payload.size() > max_bytes_) {
        Clear();
        overflowed_ = true;
        return;
    }
    packets_.push_back(packet);
    bytes_ += packet.payload.size();
}

void GopCache::Clear() {
    packets_.clear();
    bytes_ = 0;
}

}  // namespace onair::router
