// SPDX-License-Identifier: Apache-2.0
#include "onair/proto/rtmp/aggregate.h"

#include "onair/base/byte_reader.h"

namespace onair::proto::rtmp {

base::Result<std::vector<Message>> SplitAggregate(const Message& aggregate) {
    const auto& body = aggregate.payload;
    base::ByteReader r(body.span());
    std::vector<Message> out;
    uint32_t first_ts = 0;
    while (!r.empty()) {
        uint8_t type = 0;
        uint32_t size = 0;
        uint32_t ts = 0;
        uint8_t ts_ext = 0;
        uint32_t stream_id = 0;
        if (!r.ReadU8(type) || !r.ReadU24(size) || !r.ReadU24(ts) || !r.ReadU8(ts_ext) || !r.ReadU24(stream_id)) {
            return base::MakeError(base::ErrorCode::kInvalidData, "rtmp aggregate: truncated sub-message header");
        }
        if (r.remaining() < size) {
            return base::MakeError(base::ErrorCode::kInvalidData, "rtmp aggregate: truncated sub-message body");
        }
        ts |= uint32_t{ts_ext} << 24;  // FLV: the extension byte holds bits 24-31
        if (out.empty()) first_ts = ts;
        Message m;
        m.type = type;
        m.timestamp = aggregate.timestamp + (ts - first_ts);
        m.stream_id = aggregate.stream_id;
        m.csid = aggregate.csid;
        m.payload = body.Slice(r.position(), size);
        r.Skip(size);
        out.push_back(std::move(m));
        // Back pointer (previous tag size); some muxers drop the last one.
        if (!r.Skip(4)) break;
    }
    return out;
}

}  // namespace onair::proto::rtmp
