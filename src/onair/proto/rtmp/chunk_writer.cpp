// SPDX-License-Identifier: Apache-2.0
#include "onair/proto/rtmp/chunk_writer.h"

#include <algorithm>
#include <array>
#include <vector>

namespace onair::proto::rtmp {

namespace {

constexpr uint32_t kExtendedMarker = 0xFFFFFF;
// Slices smaller than this are copied: a 5-byte FLV tag header costs less
// as bytes next to the chunk header than as its own gather piece.
constexpr size_t kCopyBelow = 32;

// Basic header (§5.3.1.1): 1, 2 or 3 bytes depending on the csid.
size_t PutBasicHeader(uint8_t fmt, uint32_t csid, uint8_t* p) {
    if (csid < 64) {
        p[0] = static_cast<uint8_t>((fmt << 6) | csid);
        return 1;
    }
    if (csid < 64 + 256) {
        p[0] = static_cast<uint8_t>(fmt << 6);
        p[1] = static_cast<uint8_t>(csid - 64);
        return 2;
    }
    const uint32_t v = csid - 64;
    p[0] = static_cast<uint8_t>((fmt << 6) | 1);
    p[1] = static_cast<uint8_t>(v & 0xFF);
    p[2] = static_cast<uint8_t>(v >> 8);
    return 3;
}

void PutU24(uint32_t v, uint8_t* p) {
    p[0] = static_cast<uint8_t>(v >> 16);
    p[1] = static_cast<uint8_t>(v >> 8);
    p[2] = static_cast<uint8_t>(v);
}

void PutU32(uint32_t v, uint8_t* p) {
    p[0] = static_cast<uint8_t>(v >> 24);
    PutU24(v, p + 1);
}

}  // namespace

void ChunkWriter::SetChunkSize(uint32_t size) { chunk_size_ = std::clamp<uint32_t>(size, 1, kMaxChunkSize); }

template <typename Body>
bool ChunkWriter::WriteChunks(uint32_t csid, uint8_t type, uint32_t timestamp, uint32_t stream_id, size_t length,
                              Body&& body, base::OutBuffers& out) {
    if (csid < kMinCsid || csid > kMaxCsid || length > kMaxMessageLength) return false;
    const auto len = static_cast<uint32_t>(length);
    StreamState& s = streams_[csid];
    const uint32_t delta = timestamp - s.timestamp;
    uint8_t fmt = 3;
    if (!s.valid || stream_id != s.stream_id || timestamp < s.timestamp) fmt = 0;
    else if (len != s.length || type != s.type) fmt = 1;
    else if (!s.delta_valid || delta != s.delta) fmt = 2;

    // The timestamp field: absolute for type 0, the delta otherwise.
    const uint32_t field = fmt == 0 ? timestamp : delta;
    const bool extended = field >= kExtendedMarker;

    std::array<uint8_t, 18> h{};
    size_t n = PutBasicHeader(fmt, csid, h.data());
    if (fmt <= 2) {
        PutU24(extended ? kExtendedMarker : field, &h[n]);
        n += 3;
    }
    if (fmt <= 1) {
        PutU24(len, &h[n]);
        h[n + 3] = type;
        n += 4;
    }
    if (fmt == 0) {
        // Message stream id: little-endian (§5.3.1.2.1).
        for (int i = 0; i < 4; ++i) h[n + static_cast<size_t>(i)] = static_cast<uint8_t>(stream_id >> (8 * i));
        n += 4;
    }
    if (extended) {
        PutU32(field, &h[n]);
        n += 4;
    }
    out.AppendCopy(std::span<const uint8_t>(h.data(), n));

    s.valid = true;
    s.type = type;
    s.timestamp = timestamp;
    s.length = len;
    s.stream_id = stream_id;
    s.delta = field;
    s.delta_valid = fmt != 0;

    // Continuation chunks: type-3 basic header, plus the extended timestamp again.
    std::array<uint8_t, 7> cont{};
    size_t cont_len = PutBasicHeader(3, csid, cont.data());
    if (extended) {
        PutU32(field, &cont[cont_len]);
        cont_len += 4;
    }
    size_t off = 0;
    do {
        if (off > 0) out.AppendCopy(std::span<const uint8_t>(cont.data(), cont_len));
        const size_t chunk = std::min<size_t>(chunk_size_, length - off);
        body(off, chunk, out);
        off += chunk;
    } while (off < length);
    return true;
}

bool ChunkWriter::Write(uint32_t csid, uint8_t type, uint32_t timestamp, uint32_t stream_id,
                        std::span<const base::SharedBuffer> payload_parts, base::OutBuffers& out) {
    // Drop empty parts so the cursor below never rests on one.
    std::vector<base::SharedBuffer> nonempty;
    if (std::any_of(payload_parts.begin(), payload_parts.end(), [](const auto& p) { return p.empty(); })) {
        for (const auto& p : payload_parts) {
            if (!p.empty()) nonempty.push_back(p);
        }
        payload_parts = nonempty;
    }
    size_t length = 0;
    for (const auto& p : payload_parts) length += p.size();
    // Each chunk takes slices of one or more parts, in order.
    size_t part = 0;
    size_t part_off = 0;
    auto body = [&](size_t, size_t chunk, base::OutBuffers& o) {
        while (chunk > 0) {
            const auto& buf = payload_parts[part];
            const size_t take = std::min(chunk, buf.size() - part_off);
            if (take < kCopyBelow) o.AppendCopy(buf.span().subspan(part_off, take));
            else o.AppendShared(buf.Slice(part_off, take));
            chunk -= take;
            part_off += take;
            if (part_off == buf.size()) {
                ++part;
                part_off = 0;
            }
        }
    };
    return WriteChunks(csid, type, timestamp, stream_id, length, body, out);
}

bool ChunkWriter::Write(uint32_t csid, uint8_t type, uint32_t timestamp, uint32_t stream_id,
                        std::span<const uint8_t> payload, base::OutBuffers& out) {
    auto body = [&](size_t off, size_t chunk, base::OutBuffers& o) { o.AppendCopy(payload.subspan(off, chunk)); };
    return WriteChunks(csid, type, timestamp, stream_id, payload.size(), body, out);
}

}  // namespace onair::proto::rtmp
