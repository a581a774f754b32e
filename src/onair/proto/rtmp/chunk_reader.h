// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "onair/base/parse_status.h"
#include "onair/base/result.h"
#include "onair/proto/rtmp/message.h"

namespace onair::proto::rtmp {

/// Bounds for untrusted chunk streams (ChunkReader::Limits).
struct ChunkReaderLimits {
    uint32_t max_message_size = 16 << 20;  // bytes in one message
    size_t max_chunk_streams = 64;         // distinct chunk stream ids per connection
};

/// Reassembles RTMP messages from the chunk stream (RTMP spec §5.3), sans I/O.
///
/// Handles the four chunk header formats, 1/2/3-byte basic headers,
/// timestamp deltas and extended timestamps, including on type-3 chunks: as
/// Flash Media Server and ffmpeg do, a type-3 chunk repeats the 4-byte
/// extended timestamp when its chunk stream's last header had one. (A
/// continuation chunk whose 4 bytes do not repeat it is taken as a peer that
/// omits it, as SRS does.) Applies Set Chunk Size and Abort itself when it
/// assembles them, and still returns them.
///
/// Not thread-safe; one per connection.
class ChunkReader {
public:
    using Limits = ChunkReaderLimits;

    explicit ChunkReader(const Limits& limits = {});

    /// Consumes bytes of `in` (`consumed` tells how many). kMessage: one
    /// message is complete, take it with TakeMessage() before feeding again
    /// (the rest of `in` is not consumed yet). kNeedMore: everything was
    /// consumed. kError: a protocol violation or a limit (see error()); the
    /// reader stays failed.
    base::ParseStatus Feed(std::span<const uint8_t> in, size_t& consumed);

    Message TakeMessage() { return std::move(message_); }
    const base::Error& error() const { return error_; }

    /// Total bytes consumed so far, for Acknowledgement messages (§5.4.3).
    uint64_t bytes_consumed() const { return bytes_consumed_; }
    uint32_t chunk_size() const { return chunk_size_; }

private:
    struct ChunkStream {
        bool in_progress = false;      // a message is partly received
        bool extended = false;         // last header's timestamp field was 0xFFFFFF
        uint8_t type = 0;
        uint32_t timestamp = 0;        // absolute timestamp of the current message
        uint32_t delta = 0;            // repeated by type-3 chunks that start a message
        uint32_t extended_value = 0;   // the 4 bytes type-3 chunks repeat
        uint32_t length = 0;
        uint32_t stream_id = 0;
        std::vector<uint8_t> payload;  // bytes received of the current message
    };

    size_t HeaderSize() const;
    base::ParseStatus ProcessHeader();
    void StartMessage(ChunkStream& stream);
    base::ParseStatus CompleteMessage(ChunkStream& stream);
    base::ParseStatus Fail(base::ErrorCode code, std::string message);

    Limits limits_;
    uint32_t chunk_size_ = kDefaultChunkSize;
    std::unordered_map<uint32_t, ChunkStream> streams_;
    // Header of the chunk being read: basic (≤3) + message (≤11) + extended (4).
    std::array<uint8_t, 18> header_{};
    size_t header_len_ = 0;
    bool in_payload_ = false;
    uint32_t current_csid_ = 0;
    uint32_t chunk_remaining_ = 0;
    uint64_t bytes_consumed_ = 0;
    bool failed_ = false;
    Message message_;
    base::Error error_;
};

}  // namespace onair::proto::rtmp
