// SPDX-License-Identifier: Apache-2.0
#include "onair/format/record/media_record.h"

#include <algorithm>
#include <span>
#include <string>

#include "onair/base/byte_reader.h"

namespace onair::format::record {

namespace {

using base::ErrorCode;
using media::Codec;
using media::TrackKind;

// magic, version, type, flags, header_length u16, payload_length u32.
constexpr size_t kFixedBytes = 10;
// + sequence, wallclock_ms, and the two length bytes of the ids.
constexpr size_t kCommonBytes = kFixedBytes + 8 + 8 + 1 + 1;
// track, codec, packet flags, dts, pts, segment_start, discontinuity_sequence,
// longest_segment.
constexpr size_t kPacketFieldBytes = 3 + 5 * 8;
// codec, width, height, sample_rate, channels, codec string length.
constexpr size_t kConfigFieldBytes = 1 + 2 + 2 + 4 + 1 + 1;
constexpr uint8_t kKeyframeBit = 0x01;
constexpr uint8_t kDiscontinuityBit = 0x02;

base::Error Invalid(const std::string& message) {
    return base::MakeError(ErrorCode::kInvalidData, "media record: " + message);
}
base::Error Limit(const std::string& message) {
    return base::MakeError(ErrorCode::kLimitExceeded, "media record: " + message);
}
std::string Num(int64_t v) { return std::to_string(v); }

/// What the encoder writes of a string: a u8 length caps it at 255 bytes.
std::string_view Field(std::string_view s) { return s.substr(0, 255); }

Codec CodecOf(TrackKind kind) { return kind == TrackKind::kVideo ? Codec::kH264 : Codec::kAac; }
const char* TrackName(TrackKind kind) { return kind == TrackKind::kVideo ? "video" : "audio"; }

base::Status CheckName(std::string_view value, size_t max, const char* what) {
    if (value.empty()) return Invalid(std::string("empty ") + what);
    if (value.size() > max)
        return Limit(std::string(what) + " of " + Num(value.size()) + " bytes (at most " + Num(max) + ")");
    return {};
}

base::Status CheckPayload(const base::SharedBuffer& payload) {
    if (payload.size() > kMaxPayloadBytes)
        return Limit("payload of " + Num(payload.size()) + " bytes (at most 16 MiB)");
    return {};
}

base::Status CheckCommon(const MediaRecord& r) {
    if (auto s = CheckName(r.broadcast_id, kMaxBroadcastIdBytes, "broadcast id"); !s) return s;
    if (auto s = CheckName(r.channel, kMaxChannelBytes, "channel"); !s) return s;
    if (r.rendition.size() > kMaxRenditionBytes)
        return Limit("rendition name of " + Num(r.rendition.size()) + " bytes (at most 32)");
    if (r.wallclock_ms < 0) return Invalid("negative wallclock_ms " + Num(r.wallclock_ms));
    return {};
}

base::Status CheckPacket(const media::Packet& p) {
    if (p.kind != TrackKind::kVideo && p.kind != TrackKind::kAudio)
        return Invalid("unknown track " + Num(static_cast<uint8_t>(p.kind)));
    if (p.codec != CodecOf(p.kind))
        return Invalid("codec " + Num(static_cast<uint8_t>(p.codec)) + " on the " + TrackName(p.kind) + " track");
    if (p.dts < -kMaxTimestamp || p.dts > kMaxTimestamp) return Invalid("dts " + Num(p.dts) + " out of range");
    if (p.pts < -kMaxTimestamp || p.pts > kMaxTimestamp) return Invalid("pts " + Num(p.pts) + " out of range");
    if (p.pts < p.dts - kMaxPtsBeforeDts)
        return Invalid("pts " + Num(p.pts) + " more than 10 s before dts " + Num(p.dts));
    if (p.segment_start < -1) return Invalid("segment_start " + Num(p.segment_start));
    if (p.discontinuity_sequence < 0) return Invalid("discontinuity_sequence " + Num(p.discontinuity_sequence));
    if (p.longest_segment < 0 || p.longest_segment > kMaxTimestamp)
        return Invalid("longest_segment " + Num(p.longest_segment));
    return CheckPayload(p.payload);
}

base::Status CheckConfig(const media::CodecConfig& c, TrackKind kind) {
    if (c.kind != kind) return Invalid(std::string("config of the other track in a ") + TrackName(kind) + " config");
    if (c.codec != CodecOf(kind))
        return Invalid("codec " + Num(static_cast<uint8_t>(c.codec)) + " in a " + TrackName(kind) + " config");
    if (c.width < 0 || c.width > 0xFFFF || c.height < 0 || c.height > 0xFFFF)
        return Invalid("size " + Num(c.width) + "x" + Num(c.height));
    if (c.sample_rate < 0) return Invalid("sample rate " + Num(c.sample_rate));
    if (c.channels < 0 || c.channels > 0xFF) return Invalid("channels " + Num(c.channels));
    if (c.codec_string.size() > kMaxCodecStringBytes)
        return Limit("codec string of " + Num(c.codec_string.size()) + " bytes (at most 255)");
    return CheckPayload(c.extradata);
}

size_t HeaderSize(const MediaRecord& r) {
    const size_t common = kCommonBytes + Field(r.broadcast_id).size() + Field(r.channel).size();
    switch (r.type) {
        case RecordType::kPacket: return common + kPacketFieldBytes;
        case RecordType::kVideoConfig:
        case RecordType::kAudioConfig: return common + kConfigFieldBytes + Field(r.config.codec_string).size();
        case RecordType::kMetadata: return common;
        case RecordType::kEnd: return common + 1 + Field(r.end_reason).size();
        case RecordType::kLadder: return common;
    }
    return common;
}

/// The fields appended after the type's (docs/MEDIA_RECORDS.md,
/// compatibility): the rendition name, written only when there is one, so
/// a source record is byte for byte what a writer before renditions wrote.
size_t TrailerSize(const MediaRecord& r) { return r.rendition.empty() ? 0 : 1 + Field(r.rendition).size(); }

std::span<const uint8_t> PayloadOf(const MediaRecord& r) {
    switch (r.type) {
        case RecordType::kPacket: return r.packet.payload.span();
        case RecordType::kVideoConfig:
        case RecordType::kAudioConfig: return r.config.extradata.span();
        case RecordType::kMetadata: return r.metadata.span();
        case RecordType::kLadder: return r.ladder.span();
        case RecordType::kEnd: break;
    }
    return {};
}

void String(base::ByteWriter& w, std::string_view s) {
    s = Field(s);
    w.U8(static_cast<uint8_t>(s.size()));
    w.Bytes({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}

void I64(base::ByteWriter& w, int64_t v) { w.U64(static_cast<uint64_t>(v)); }

bool ReadString(base::ByteReader& r, std::string_view& out) {
    uint8_t n = 0;
    std::span<const uint8_t> bytes;
    if (!r.ReadU8(n) || !r.ReadBytes(n, bytes)) return false;
    out = {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
    return true;
}

bool ReadI64(base::ByteReader& r, int64_t& v) {
    uint64_t u = 0;
    if (!r.ReadU64(u)) return false;
    v = static_cast<int64_t>(u);
    return true;
}

bool ReadPacketFields(base::ByteReader& r, media::Packet& p) {
    uint8_t track = 0, codec = 0, flags = 0;
    if (!(r.ReadU8(track) && r.ReadU8(codec) && r.ReadU8(flags) && ReadI64(r, p.dts) && ReadI64(r, p.pts) &&
          ReadI64(r, p.segment_start) && ReadI64(r, p.discontinuity_sequence) && ReadI64(r, p.longest_segment)))
        return false;
    p.kind = static_cast<TrackKind>(track);
    p.codec = static_cast<Codec>(codec);
    p.keyframe = flags & kKeyframeBit;
    p.discontinuity = flags & kDiscontinuityBit;  // other bits: reserved, ignored
    return true;
}

bool ReadConfigFields(base::ByteReader& r, media::CodecConfig& c) {
    uint8_t codec = 0, channels = 0;
    uint16_t width = 0, height = 0;
    uint32_t sample_rate = 0;
    std::string_view codec_string;
    if (!(r.ReadU8(codec) && r.ReadU16(width) && r.ReadU16(height) && r.ReadU32(sample_rate) &&
          r.ReadU8(channels) && ReadString(r, codec_string)))
        return false;
    c.codec = static_cast<Codec>(codec);
    c.width = width;
    c.height = height;
    c.sample_rate = static_cast<int>(sample_rate);  // over INT_MAX: negative, refused by CheckConfig
    c.channels = channels;
    c.codec_string = codec_string;
    return true;
}

base::Error Short(size_t size) { return Invalid(Num(size) + " bytes, shorter than its header"); }

}  // namespace

base::Status CheckMediaRecord(const MediaRecord& r) {
    if (auto s = CheckCommon(r); !s) return s;
    switch (r.type) {
        case RecordType::kPacket: return CheckPacket(r.packet);
        case RecordType::kVideoConfig: return CheckConfig(r.config, TrackKind::kVideo);
        case RecordType::kAudioConfig: return CheckConfig(r.config, TrackKind::kAudio);
        case RecordType::kMetadata: return CheckPayload(r.metadata);
        case RecordType::kEnd:
            if (r.end_reason.size() > kMaxEndReasonBytes)
                return Limit("end reason of " + Num(r.end_reason.size()) + " bytes (at most 64)");
            return {};
        case RecordType::kLadder:
            if (r.ladder.size() > kMaxLadderBytes)
                return Limit("ladder of " + Num(r.ladder.size()) + " bytes (at most 16 KiB)");
            return {};
    }
    return Invalid("unknown type " + Num(static_cast<uint8_t>(r.type)));
}

size_t EncodedSize(const MediaRecord& r) { return HeaderSize(r) + TrailerSize(r) + PayloadOf(r).size(); }

void AppendEncoded(const MediaRecord& r, std::vector<uint8_t>& out) {
    const auto payload = PayloadOf(r);
    // Grows geometrically: records appended one after another stay linear.
    const size_t header = HeaderSize(r) + TrailerSize(r);
    const size_t need = out.size() + header + payload.size();
    if (need > out.capacity()) out.reserve(std::max(need, 2 * out.capacity()));
    base::ByteWriter w(out);
    w.U8(kMagic);
    w.U8(kVersion);
    w.U8(static_cast<uint8_t>(r.type));
    w.U8(0);  // flags: none defined in version 1
    w.U16(static_cast<uint16_t>(header));
    w.U32(static_cast<uint32_t>(payload.size()));
    w.U64(r.sequence);
    I64(w, r.wallclock_ms);
    String(w, r.broadcast_id);
    String(w, r.channel);
    switch (r.type) {
        case RecordType::kPacket: {
            const media::Packet& p = r.packet;
            w.U8(static_cast<uint8_t>(p.kind));
            w.U8(static_cast<uint8_t>(p.codec));
            w.U8(static_cast<uint8_t>((p.keyframe ? kKeyframeBit : 0) | (p.discontinuity ? kDiscontinuityBit : 0)));
            I64(w, p.dts);
            I64(w, p.pts);
            I64(w, p.segment_start);
            I64(w, p.discontinuity_sequence);
            I64(w, p.longest_segment);
            break;
        }
        case RecordType::kVideoConfig:
        case RecordType::kAudioConfig: {
            const media::CodecConfig& c = r.config;
            w.U8(static_cast<uint8_t>(c.codec));
            w.U16(static_cast<uint16_t>(c.width));
            w.U16(static_cast<uint16_t>(c.height));
            w.U32(static_cast<uint32_t>(c.sample_rate));
            w.U8(static_cast<uint8_t>(c.channels));
            String(w, c.codec_string);
            break;
        }
        case RecordType::kMetadata:
        case RecordType::kLadder: break;
        case RecordType::kEnd: String(w, r.end_reason); break;
    }
    if (!r.rendition.empty()) String(w, r.rendition);
    w.Bytes(payload);
}

base::Result<MediaRecord> DecodeMediaRecord(const base::SharedBuffer& value) {
    base::ByteReader r(value.span());
    uint8_t magic = 0, version = 0, type = 0, flags = 0;
    uint16_t header_length = 0;
    uint32_t payload_length = 0;
    if (!r.ReadU8(magic)) return Short(value.size());
    if (magic != kMagic) return Invalid("bad magic " + Num(magic) + " (not a media record)");
    if (!r.ReadU8(version)) return Short(value.size());
    if (version != kVersion) return Invalid("version " + Num(version) + " is not known (this reader reads 1)");
    if (!(r.ReadU8(type) && r.ReadU8(flags) && r.ReadU16(header_length) && r.ReadU32(payload_length)))
        return Short(value.size());
    // flags: none defined in version 1; a newer writer's bits are ignored.
    if (header_length > kMaxHeaderBytes) return Limit("header_length " + Num(header_length) + " (at most 4096)");
    if (header_length < kCommonBytes) return Invalid("header_length " + Num(header_length) + " too small");
    if (payload_length > kMaxPayloadBytes)
        return Limit("payload of " + Num(payload_length) + " bytes (at most 16 MiB)");
    if (value.size() < header_length) return Short(value.size());
    if (value.size() - header_length != payload_length)
        return Invalid(Num(value.size()) + " bytes, not header_length " + Num(header_length) + " + payload_length " +
                       Num(payload_length));

    // Fields are read within header_length; bytes after the known ones are
    // a newer writer's fields and are skipped.
    base::ByteReader h(value.span().first(header_length));
    (void)h.Skip(kFixedBytes);
    MediaRecord rec;
    rec.type = static_cast<RecordType>(type);
    const auto too_small = [&] { return Invalid("header_length " + Num(header_length) + " too small for its fields"); };
    if (!(h.ReadU64(rec.sequence) && ReadI64(h, rec.wallclock_ms) && ReadString(h, rec.broadcast_id) &&
          ReadString(h, rec.channel)))
        return too_small();
    const base::SharedBuffer payload = value.Slice(header_length);
    switch (rec.type) {
        case RecordType::kPacket:
            if (!ReadPacketFields(h, rec.packet)) return too_small();
            rec.packet.wallclock_ms = rec.wallclock_ms;
            rec.packet.payload = payload;
            break;
        case RecordType::kVideoConfig:
        case RecordType::kAudioConfig:
            if (!ReadConfigFields(h, rec.config)) return too_small();
            rec.config.kind = rec.type == RecordType::kVideoConfig ? TrackKind::kVideo : TrackKind::kAudio;
            rec.config.extradata = payload;
            break;
        case RecordType::kMetadata: rec.metadata = payload; break;
        case RecordType::kLadder: rec.ladder = payload; break;
        case RecordType::kEnd:
            if (!ReadString(h, rec.end_reason)) return too_small();
            if (payload_length != 0) return Invalid("end record with a payload");
            break;
        default:
            if (auto s = CheckCommon(rec); !s) return s.error();
            return base::MakeError(ErrorCode::kUnsupported, "media record: type " + Num(type) + " is not known");
    }
    // Appended fields: present when the header has room for them.
    if (h.remaining() > 0 && !ReadString(h, rec.rendition)) return too_small();
    if (auto s = CheckMediaRecord(rec); !s) return s.error();
    return rec;
}

}  // namespace onair::format::record
