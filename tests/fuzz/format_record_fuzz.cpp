// SPDX-License-Identifier: Apache-2.0
// Decodes arbitrary bytes as one media record (a Kafka message value off
// topic onair.media). Whatever decodes must pass CheckMediaRecord, have its
// payload as the input's tail, encode to EncodedSize bytes, decode again to
// the same record, and encode to the input itself once the bytes a newer
// writer may add (unknown header bytes, flag bits) are set aside.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "onair/format/record/media_record.h"

using namespace onair;
using format::record::MediaRecord;
using format::record::RecordType;

namespace {

void Check(bool ok) {
    if (!ok) std::abort();
}

const base::SharedBuffer& PayloadOf(const MediaRecord& r) {
    switch (r.type) {
        case RecordType::kPacket: return r.packet.payload;
        case RecordType::kMetadata: return r.metadata;
        default: return r.config.extradata;  // empty in end records
    }
}

bool Same(const MediaRecord& a, const MediaRecord& b) {
    const media::Packet& p = a.packet;
    const media::Packet& q = b.packet;
    const media::CodecConfig& c = a.config;
    const media::CodecConfig& d = b.config;
    return a.type == b.type && a.sequence == b.sequence && a.wallclock_ms == b.wallclock_ms &&
           a.broadcast_id == b.broadcast_id && a.channel == b.channel && a.end_reason == b.end_reason &&
           a.metadata.view() == b.metadata.view() && p.kind == q.kind && p.codec == q.codec && p.dts == q.dts &&
           p.pts == q.pts && p.keyframe == q.keyframe && p.discontinuity == q.discontinuity &&
           p.segment_start == q.segment_start && p.payload.view() == q.payload.view() && c == d &&
           c.width == d.width && c.height == d.height && c.sample_rate == d.sample_rate && c.channels == d.channels &&
           c.codec_string == d.codec_string;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto input = base::SharedBuffer::Copy(std::span<const uint8_t>(data, size));
    auto first = format::record::DecodeMediaRecord(input);
    if (!first.ok()) {
        const auto code = first.error().code;
        Check(code == base::ErrorCode::kInvalidData || code == base::ErrorCode::kLimitExceeded ||
              code == base::ErrorCode::kUnsupported);
        Check(!first.error().message.empty());
        return 0;
    }
    const MediaRecord& r = *first;
    Check(format::record::CheckMediaRecord(r).ok());
    const base::SharedBuffer& payload = PayloadOf(r);
    Check(payload.size() <= format::record::kMaxPayloadBytes);
    if (!payload.empty()) Check(payload.data() + payload.size() == input.data() + input.size());

    std::vector<uint8_t> encoded;
    format::record::AppendEncoded(r, encoded);
    Check(encoded.size() == format::record::EncodedSize(r));
    Check(encoded.size() <= size);  // only a newer writer's header bytes are dropped
    const auto reencoded = base::SharedBuffer::Copy(encoded);  // the views of `second` point into it
    auto second = format::record::DecodeMediaRecord(reencoded);
    Check(second.ok());
    Check(Same(r, *second));

    if (encoded.size() == size) {
        // No unknown header bytes: the input, but for flag bits version 1
        // does not define (record flags; a packet's flags past bit 1).
        std::vector<uint8_t> known(data, data + size);
        known[3] = 0;
        if (r.type == RecordType::kPacket) known[28 + r.broadcast_id.size() + r.channel.size() + 2] &= 0x03;
        Check(known == encoded);
    }
    return 0;
}
