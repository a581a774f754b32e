// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <span>
#include <unordered_map>

#include "onair/base/out_buffers.h"
#include "onair/base/shared_buffer.h"
#include "onair/proto/rtmp/message.h"

namespace onair::proto::rtmp {

/// Splits messages into chunks (RTMP spec §5.3), sans I/O, without copying
/// payloads: chunk bodies are slices of the caller's SharedBuffers and only
/// headers (and pieces under 32 bytes) are copied into the OutBuffers.
///
/// Header compression per chunk stream: type 0 for the first message, a new
/// message stream id or a timestamp going backwards; type 1 when the length
/// or type changes; type 2 when only the delta changes; type 3 when the
/// delta repeats a type-1/2 delta. (Type 3 right after type 0 is never used
/// for a new message: nginx-rtmp and the spec disagree on its delta.)
/// Timestamps from 0xFFFFFF up use the extended field, repeated on every
/// type-3 chunk of the message as Flash/ffmpeg expect.
///
/// Not thread-safe; one per connection.
class ChunkWriter {
public:
    /// Takes effect for the next message; the caller sends the Set Chunk
    /// Size message itself first. Clamped to [1, kMaxChunkSize].
    void SetChunkSize(uint32_t size);
    uint32_t chunk_size() const { return chunk_size_; }

    /// Writes one message whose payload is the concatenation of `payload_parts`.
    /// Returns false (writing nothing) when the csid is outside 2..65599 or
    /// the payload is longer than 0xFFFFFF bytes.
    bool Write(uint32_t csid, uint8_t type, uint32_t timestamp, uint32_t stream_id,
               std::span<const base::SharedBuffer> payload_parts, base::OutBuffers& out);

    /// The caller wrote a message on `csid` itself (pre-chunked bytes that
    /// begin with a type-0 header): the next message there starts with
    /// type 0 again, which is valid whatever the peer's state.
    void Forget(uint32_t csid) { streams_.erase(csid); }

    /// Same, copying `payload` (control and command messages).
    bool Write(uint32_t csid, uint8_t type, uint32_t timestamp, uint32_t stream_id,
               std::span<const uint8_t> payload, base::OutBuffers& out);

private:
    struct StreamState {
        bool valid = false;
        bool delta_valid = false;  // last header was type 1/2 (or a type-3 repeat)
        uint8_t type = 0;
        uint32_t timestamp = 0;
        uint32_t delta = 0;
        uint32_t length = 0;
        uint32_t stream_id = 0;
    };

    template <typename Body>
    bool WriteChunks(uint32_t csid, uint8_t type, uint32_t timestamp, uint32_t stream_id, size_t length,
                     Body&& body, base::OutBuffers& out);

    uint32_t chunk_size_ = kDefaultChunkSize;
    std::unordered_map<uint32_t, StreamState> streams_;
};

}  // namespace onair::proto::rtmp
