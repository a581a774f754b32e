// SPDX-License-Identifier: Apache-2.0
#include "onair/server/rtmp/media_chunk_cache.h"

#include "onair/proto/rtmp/server_session.h"

namespace onair::server::rtmp {

base::SharedBuffer MediaChunkCache::Find(const base::SharedBuffer& payload, uint8_t type, uint32_t timestamp,
                                         uint32_t stream_id, uint32_t chunk_size) {
    // Newest first: every player asks for the message just published.
    for (size_t i = 1; i <= kEntries; ++i) {
        const Entry& e = ring_[(next_ + kEntries - i) % kEntries];
        if (e.encoded.empty()) break;
        if (e.payload.data() == payload.data() && e.payload.size() == payload.size() && e.type == type &&
            e.timestamp == timestamp && e.stream_id == stream_id && e.chunk_size == chunk_size) {
            return e.encoded;
        }
    }
    return {};
}

base::SharedBuffer MediaChunkCache::Insert(const base::SharedBuffer& payload, uint8_t type, uint32_t timestamp,
                                           uint32_t stream_id, uint32_t chunk_size,
                                           std::span<const base::SharedBuffer> parts) {
    base::SharedBuffer encoded = proto::rtmp::EncodeStandalone(type, timestamp, stream_id, chunk_size, parts);
    if (encoded.empty() || payload.empty()) return encoded;
    ring_[next_] = Entry{payload, encoded, timestamp, stream_id, chunk_size, type};
    next_ = (next_ + 1) % kEntries;
    return encoded;
}

MediaChunkCache& MediaChunkCache::ForThisThread() {
    static thread_local MediaChunkCache cache;
    return cache;
}

}  // namespace onair::server::rtmp
