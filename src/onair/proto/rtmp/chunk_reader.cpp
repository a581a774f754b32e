// SPDX-License-Identifier: Apache-2.0
#include "onair/proto/rtmp/chunk_reader.h"

#include <algorithm>
#include <string>

namespace onair::proto::rtmp {

namespace {

// Message header sizes for formats 0..3 (§5.3.1.2).
constexpr size_t kMessageHeaderSize[4] = {11, 7, 3, 0};
constexpr uint32_t kExtendedMarker = 0xFFFFFF;
// Initial reservation for a message: never trust the announced length with
// memory, the buffer grows with the bytes that really arrive.
constexpr size_t kInitialReserve = 64 * 1024;

size_t BasicHeaderSize(uint8_t first) {
    const uint8_t field = first & 0x3F;
    return field == 0 ? 2 : field == 1 ? 3 : 1;
}

uint32_t U24(const uint8_t* p) { return (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2]; }
uint32_t U32(const uint8_t* p) { return (uint32_t{p[0]} << 24) | U24(p + 1); }
// The message stream id is the one little-endian field of RTMP (§5.3.1.2.1).
uint32_t U32Le(const uint8_t* p) {
    return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

}  // namespace

ChunkReader::ChunkReader(const Limits& limits) : limits_(limits) {}

base::ParseStatus ChunkReader::Fail(base::ErrorCode code, std::string message) {
    failed_ = true;
    error_ = base::MakeError(code, "rtmp chunk: " + std::move(message));
    return base::ParseStatus::kError;
}

// Bytes the current chunk header needs, given the bytes read so far: grows
// as the basic header, then the timestamp field, are known.
size_t ChunkReader::HeaderSize() const {
    if (header_len_ == 0) return 1;
    const size_t basic = BasicHeaderSize(header_[0]);
    const uint8_t fmt = header_[0] >> 6;
    const size_t size = basic + kMessageHeaderSize[fmt];
    if (header_len_ < size) return size;
    if (fmt < 3) return U24(&header_[basic]) == kExtendedMarker ? size + 4 : size;
    uint32_t csid = header_[0] & 0x3F;
    if (basic == 2) csid = 64 + header_[1];
    if (basic == 3) csid = 64 + header_[1] + (uint32_t{header_[2]} << 8);
    auto it = streams_.find(csid);
    return (it != streams_.end() && it->second.extended) ? size + 4 : size;
}

base::ParseStatus ChunkReader::Feed(std::span<const uint8_t> in, size_t& consumed) {
    consumed = 0;
    if (failed_) return base::ParseStatus::kError;
    auto take = [&](size_t n) {
        consumed += n;
        bytes_consumed_ += n;
    };
    for (;;) {
        if (!in_payload_) {
            for (size_t need = HeaderSize(); header_len_ < need; need = HeaderSize()) {
                if (consumed == in.size()) return base::ParseStatus::kNeedMore;
                const size_t n = std::min(need - header_len_, in.size() - consumed);
                std::copy_n(in.begin() + static_cast<std::ptrdiff_t>(consumed), n, header_.begin() + header_len_);
                header_len_ += n;
                take(n);
            }
            const auto status = ProcessHeader();
            if (status != base::ParseStatus::kNeedMore) return status;
        }
        auto& stream = streams_[current_csid_];
        const size_t n = std::min<size_t>(chunk_remaining_, in.size() - consumed);
        stream.payload.insert(stream.payload.end(), in.begin() + static_cast<std::ptrdiff_t>(consumed),
                              in.begin() + static_cast<std::ptrdiff_t>(consumed + n));
        take(n);
        chunk_remaining_ -= static_cast<uint32_t>(n);
        if (chunk_remaining_ > 0) return base::ParseStatus::kNeedMore;
        in_payload_ = false;
        if (stream.payload.size() == stream.length) return CompleteMessage(stream);
    }
}

// Interprets a complete chunk header. Returns kNeedMore to go on with the
// payload, kMessage for a complete zero-length message, kError.
base::ParseStatus ChunkReader::ProcessHeader() {
    const uint8_t fmt = header_[0] >> 6;
    const size_t basic = BasicHeaderSize(header_[0]);
    uint32_t csid = header_[0] & 0x3F;
    if (basic == 2) csid = 64 + header_[1];
    if (basic == 3) csid = 64 + header_[1] + (uint32_t{header_[2]} << 8);
    const uint8_t* mh = &header_[basic];
    const bool has_extended = header_len_ > basic + kMessageHeaderSize[fmt];
    const uint32_t extended = has_extended ? U32(&header_[basic + kMessageHeaderSize[fmt]]) : 0;
    header_len_ = 0;

    auto it = streams_.find(csid);
    if (it == streams_.end()) {
        // Formats 2 and 3 reuse a length this chunk stream never sent.
        if (fmt >= 2) return Fail(base::ErrorCode::kInvalidData, "chunk without a previous header on its chunk stream");
        if (streams_.size() >= limits_.max_chunk_streams) {
            return Fail(base::ErrorCode::kLimitExceeded, "too many chunk streams");
        }
        it = streams_.emplace(csid, ChunkStream{}).first;
    }
    ChunkStream& s = it->second;
    current_csid_ = csid;

    if (fmt == 3) {
        if (s.in_progress) {
            // Continuation. A peer that omits the repeated extended timestamp
            // sent payload instead: put those 4 bytes back into the message.
            const uint32_t remaining = s.length - static_cast<uint32_t>(s.payload.size());
            if (has_extended && extended != s.extended_value && remaining >= 4 && chunk_size_ >= 4) {
                s.payload.insert(s.payload.end(), header_.begin() + static_cast<std::ptrdiff_t>(basic),
                                 header_.begin() + static_cast<std::ptrdiff_t>(basic + 4));
                chunk_remaining_ = std::min(chunk_size_, remaining) - 4;
                in_payload_ = true;
                if (chunk_remaining_ == 0) {
                    in_payload_ = false;
                    if (s.payload.size() == s.length) return CompleteMessage(s);
                }
                return base::ParseStatus::kNeedMore;
            }
        } else {
            // A new message with the previous header, repeating the delta
            // (after a type-0 header the delta is its timestamp, §5.3.1.2.4).
            if (has_extended) s.delta = s.extended_value = extended;
            s.timestamp += s.delta;
            StartMessage(s);
        }
    } else {
        uint32_t field = U24(mh);
        s.extended = field == kExtendedMarker;
        if (s.extended) field = s.extended_value = extended;
        if (fmt <= 1) {
            const uint32_t length = U24(mh + 3);
            if (length > limits_.max_message_size) {
                return Fail(base::ErrorCode::kLimitExceeded,
                            "message of " + std::to_string(length) + " bytes exceeds the limit");
            }
            s.length = length;
            s.type = mh[6];
        }
        if (fmt == 0) {
            s.stream_id = U32Le(mh + 7);
            s.timestamp = field;
        } else {
            s.timestamp += field;
        }
        s.delta = field;
        // A new header in the middle of a message: the peer gave up on the
        // partial one (ffmpeg behaves the same); start over.
        StartMessage(s);
    }
    if (s.length == s.payload.size()) return CompleteMessage(s);  // zero-length message
    chunk_remaining_ = std::min<uint32_t>(chunk_size_, s.length - static_cast<uint32_t>(s.payload.size()));
    in_payload_ = true;
    return base::ParseStatus::kNeedMore;
}

void ChunkReader::StartMessage(ChunkStream& s) {
    s.in_progress = true;
    s.payload.clear();
    s.payload.reserve(std::min<size_t>(s.length, kInitialReserve));
}

base::ParseStatus ChunkReader::CompleteMessage(ChunkStream& s) {
    message_.type = s.type;
    message_.timestamp = s.timestamp;
    message_.stream_id = s.stream_id;
    message_.csid = current_csid_;
    message_.payload = base::SharedBuffer::Adopt(std::move(s.payload));
    s.payload = {};
    s.in_progress = false;

    const auto& p = message_.payload;
    if (message_.type == kSetChunkSize) {
        if (p.size() < 4) return Fail(base::ErrorCode::kInvalidData, "short Set Chunk Size");
        const uint32_t size = U32(p.data());
        // §5.4.1: the top bit must be zero and the size at least 1.
        if (size == 0 || (size & 0x80000000u)) {
            return Fail(base::ErrorCode::kInvalidData, "invalid chunk size " + std::to_string(size));
        }
        chunk_size_ = std::min(size, kMaxChunkSize);
    } else if (message_.type == kAbort) {
        if (p.size() < 4) return Fail(base::ErrorCode::kInvalidData, "short Abort message");
        if (auto it = streams_.find(U32(p.data())); it != streams_.end()) {
            it->second.payload = {};
            it->second.in_progress = false;
        }
    }
    return base::ParseStatus::kMessage;
}

}  // namespace onair::proto::rtmp
