// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <vector>

#include "onair/media/packet.h"

namespace onair::router {

/// The packets since the latest video keyframe, so a new player starts at
/// once with a decodable picture instead of waiting for the next keyframe.
/// Bounded: a GOP larger than `max_bytes` is not cached (players then wait).
class GopCache {
public:
    explicit GopCache(size_t max_bytes) : max_bytes_(max_bytes) {}

    void Add(const media::Packet& packet, bool stream_has_video);
    void Clear();
    const std::vector<media::Packet>& packets() const { return packets_; }
    size_t bytes() const { return bytes_; }

private:
    size_t max_bytes_;
    std::vector<media::Packet> packets_;
    size_t bytes_ = 0;
    bool overflowed_ = false;
};

}  // namespace onair::router
