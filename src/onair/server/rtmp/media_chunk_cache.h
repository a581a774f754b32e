// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <array>
#include <cstdint>
#include <span>

#include "onair/base/shared_buffer.h"

namespace onair::server::rtmp {

/// The chunked bytes of the newest media messages, made once and shared by
/// every player on this thread that uses the same chunk size and message
/// stream id: a player's batch then holds one reference per message instead
/// of a header and a payload slice per chunk, and nobody chunks the same
/// frame twice. Keyed by the payload buffer itself (an entry keeps it alive,
/// so its address cannot be reused by another packet) plus the header
/// fields. Bounded: a ring of the last kEntries messages; a player replaying
/// older ones (a GOP cache join) misses and they are chunked again. The
/// ring keeps up to kEntries payloads (and their chunked copies) alive after
/// every player has sent them: a few MB per IO thread at web bitrates.
/// One per thread; not thread-safe.
class MediaChunkCache {
public:
    static constexpr size_t kEntries = 256;  // ~6 s of a 30 fps + AAC stream: a GOP-cache replay hits too

    /// The message's chunked bytes. `payload` (the packet's shared body) is
    /// the key; `make_parts()` returns the FLV tag header and the payload,
    /// and is only called on a miss, so a hit allocates nothing.
    template <typename MakeParts>
    base::SharedBuffer Get(const base::SharedBuffer& payload, uint8_t type, uint32_t timestamp,
                           uint32_t stream_id, uint32_t chunk_size, MakeParts&& make_parts) {
        if (auto hit = Find(payload, type, timestamp, stream_id, chunk_size); !hit.empty()) return hit;
        const auto parts = make_parts();
        return Insert(payload, type, timestamp, stream_id, chunk_size, parts);
    }

    static MediaChunkCache& ForThisThread();

private:
    base::SharedBuffer Find(const base::SharedBuffer& payload, uint8_t type, uint32_t timestamp,
                            uint32_t stream_id, uint32_t chunk_size);
    base::SharedBuffer Insert(const base::SharedBuffer& payload, uint8_t type, uint32_t timestamp,
                              uint32_t stream_id, uint32_t chunk_size, std::span<const base::SharedBuffer> parts);

    struct Entry {
        base::SharedBuffer payload;
        base::SharedBuffer encoded;
        uint32_t timestamp = 0;
        uint32_t stream_id = 0;
        uint32_t chunk_size = 0;
        uint8_t type = 0;
    };
    std::array<Entry, kEntries> ring_{};
    size_t next_ = 0;
};

}  // namespace onair::server::rtmp
