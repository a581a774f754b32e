// SPDX-License-Identifier: Apache-2.0
// Media records (docs/MEDIA_RECORDS.md): byte-exact vectors computed by hand
// from the documented layout, round trips, every truncation, every limit,
// and the compatibility rule (unknown header bytes, types, flags, versions).
#include "onair/format/record/media_record.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace onair::format::record {
namespace {

using base::ErrorCode;
using base::SharedBuffer;
using Bytes = std::vector<uint8_t>;

// Offsets in the fixed header.
constexpr size_t kTypeAt = 2;
constexpr size_t kFlagsAt = 3;
constexpr size_t kHeaderLengthAt = 4;
constexpr size_t kPayloadLengthAt = 6;
// The common header of the vectors below ends here (ids "br_7f3a", "demo").
constexpr size_t kCommonEnd = 39;

Bytes Concat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// magic, version, type, flags, header_length, payload_length (the ids of
// every vector: broadcast "br_7f3a", channel "demo").
Bytes Fixed(uint8_t type, uint16_t header_length, uint32_t payload_length) {
    return {0x6F, 0x01, type, 0x00, static_cast<uint8_t>(header_length >> 8), static_cast<uint8_t>(header_length),
            static_cast<uint8_t>(payload_length >> 24), static_cast<uint8_t>(payload_length >> 16),
            static_cast<uint8_t>(payload_length >> 8), static_cast<uint8_t>(payload_length)};
}
const Bytes kIds = {0x07, 'b', 'r', '_', '7', 'f', '3', 'a', 0x04, 'd', 'e', 'm', 'o'};
const Bytes kWallclock = {0x00, 0x00, 0x01, 0x93, 0x8B, 0x88, 0x84, 0x00};  // 1733212800000: 2024-12-03T08:00:00Z

const Bytes kAvcc = {0x01, 0x64, 0x00, 0x1F, 0xFF, 0xE1, 0x00, 0x04, 0x67, 0x64,
                     0x00, 0x1F, 0x01, 0x00, 0x02, 0x68, 0xEE};
const Bytes kAsc = {0x11, 0x90};
const Bytes kAmf = {0x02, 0x00, 0x0A, 'o', 'n', 'M', 'e', 't', 'a', 'D', 'a',
                    't',  'a',  0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09};
const Bytes kIdr = {0x00, 0x00, 0x00, 0x02, 0x65, 0x88};
const Bytes kAacFrame = {0x21, 0x10, 0x05, 0x20};

const Bytes kVideoConfigBytes = Concat({
    Fixed(2, 61, 17),
    {0, 0, 0, 0, 0, 0, 0, 0},  // sequence 0
    kWallclock, kIds,
    {0x01, 0x05, 0x00, 0x02, 0xD0, 0x00, 0x00, 0x00, 0x00, 0x00},  // H.264, 1280x720, rate 0, channels 0
    {0x0B, 'a', 'v', 'c', '1', '.', '6', '4', '0', '0', '1', 'f'},
    kAvcc,
});
const Bytes kAudioConfigBytes = Concat({
    Fixed(3, 59, 2),
    {0, 0, 0, 0, 0, 0, 0, 1},  // sequence 1
    kWallclock, kIds,
    {0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xBB, 0x80, 0x02},  // AAC, 0x0, 48000 Hz, 2 channels
    {0x09, 'm', 'p', '4', 'a', '.', '4', '0', '.', '2'},
    kAsc,
});
const Bytes kMetadataBytes = Concat({
    Fixed(4, 39, 21),
    {0, 0, 0, 0, 0, 0, 0, 2},  // sequence 2
    kWallclock, kIds, kAmf,
});
const Bytes kVideoPacketBytes = Concat({
    Fixed(1, 82, 6),
    {0, 0, 0, 0, 0, 0, 0, 3},  // sequence 3
    kWallclock, kIds,
    {0x00, 0x01, 0x03},                                // video, H.264, keyframe + discontinuity
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x5F, 0x90},  // dts 90000
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x6D, 0xA0},  // pts 93600
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03},  // segment_start 3
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01},  // discontinuity_sequence 1
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xBF, 0x20},  // longest_segment 180000 (2 s)
    kIdr,
});
// The example of docs/MEDIA_RECORDS.md.
const Bytes kAudioPacketBytes = Concat({
    Fixed(1, 82, 4),
    {0, 0, 0, 0, 0, 0, 0, 0x2B},                       // sequence 43
    {0x00, 0x00, 0x01, 0x93, 0x8B, 0x88, 0x84, 0x15},  // wallclock 1733212800021
    kIds,
    {0x01, 0x02, 0x01},                                // audio, AAC, keyframe
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xBF, 0x20},  // dts 180000
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xBF, 0x20},  // pts 180000
    {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF},  // segment_start -1
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},  // discontinuity_sequence 0
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00},  // longest_segment 0
    kAacFrame,
});
const Bytes kEndBytes = Concat({
    Fixed(5, 54, 0),
    {0, 0, 0, 0, 0, 0, 0, 0x64},                       // sequence 100
    {0x00, 0x00, 0x01, 0x93, 0x8B, 0x88, 0x84, 0x64},  // wallclock 1733212800100
    kIds,
    {0x0E, 'p', 'u', 'b', 'l', 'i', 's', 'h', 'e', 'r', '_', 'l', 'e', 'f', 't'},
});

MediaRecord Common(RecordType type, uint64_t sequence, int64_t wallclock_ms) {
    MediaRecord r;
    r.type = type;
    r.sequence = sequence;
    r.wallclock_ms = wallclock_ms;
    r.broadcast_id = "br_7f3a";
    r.channel = "demo";
    return r;
}

MediaRecord VideoConfig() {
    MediaRecord r = Common(RecordType::kVideoConfig, 0, 1733212800000);
    r.config = {.kind = media::TrackKind::kVideo, .codec = media::Codec::kH264, .extradata = SharedBuffer::Copy(kAvcc),
                .width = 1280, .height = 720, .codec_string = "avc1.64001f"};
    return r;
}

MediaRecord AudioConfig() {
    MediaRecord r = Common(RecordType::kAudioConfig, 1, 1733212800000);
    r.config = {.kind = media::TrackKind::kAudio, .codec = media::Codec::kAac, .extradata = SharedBuffer::Copy(kAsc),
                .sample_rate = 48000, .channels = 2, .codec_string = "mp4a.40.2"};
    return r;
}

MediaRecord Metadata() {
    MediaRecord r = Common(RecordType::kMetadata, 2, 1733212800000);
    r.metadata = SharedBuffer::Copy(kAmf);
    return r;
}

MediaRecord VideoPacket() {
    MediaRecord r = Common(RecordType::kPacket, 3, 1733212800000);
    r.packet = {.kind = media::TrackKind::kVideo, .codec = media::Codec::kH264, .dts = 90000, .pts = 93600,
                .keyframe = true, .segment_start = 3, .discontinuity_sequence = 1, .longest_segment = 180000,
                .discontinuity = true, .payload = SharedBuffer::Copy(kIdr)};
    return r;
}

MediaRecord AudioPacket() {
    MediaRecord r = Common(RecordType::kPacket, 43, 1733212800021);
    r.packet = {.kind = media::TrackKind::kAudio, .codec = media::Codec::kAac, .dts = 180000, .pts = 180000,
                .keyframe = true, .payload = SharedBuffer::Copy(kAacFrame)};
    return r;
}

MediaRecord End() {
    MediaRecord r = Common(RecordType::kEnd, 100, 1733212800100);
    r.end_reason = "publisher_left";
    return r;
}

struct Vector {
    const char* name;
    MediaRecord record;
    const Bytes& bytes;
};

std::vector<Vector> Vectors() {
    return {{"video config", VideoConfig(), kVideoConfigBytes}, {"audio config", AudioConfig(), kAudioConfigBytes},
            {"metadata", Metadata(), kMetadataBytes},           {"video packet", VideoPacket(), kVideoPacketBytes},
            {"audio packet", AudioPacket(), kAudioPacketBytes}, {"end", End(), kEndBytes}};
}

Bytes Encode(const MediaRecord& r) {
    Bytes out;
    AppendEncoded(r, out);
    return out;
}

// A decode with the buffer it read: the record's views point into that
// buffer, which lives as long as the record is looked at.
struct Decoded {
    SharedBuffer value;
    base::Result<MediaRecord> result;

    bool ok() const { return result.ok(); }
    const base::Error& error() const { return result.error(); }
    const MediaRecord& operator*() const { return *result; }
    const MediaRecord* operator->() const { return &*result; }
};

Decoded Decode(const Bytes& bytes) {
    SharedBuffer value = SharedBuffer::Copy(bytes);
    auto result = DecodeMediaRecord(value);
    return {std::move(value), std::move(result)};
}

uint16_t HeaderLength(const Bytes& b) {
    return static_cast<uint16_t>((b[kHeaderLengthAt] << 8) | b[kHeaderLengthAt + 1]);
}

void SetU16(Bytes& b, size_t at, uint16_t v) {
    b[at] = static_cast<uint8_t>(v >> 8);
    b[at + 1] = static_cast<uint8_t>(v);
}

void SetU32(Bytes& b, size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) b[at + i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}

// Moves the header/payload boundary to `header_length`, keeping the framing
// consistent (payload_length = the rest).
Bytes WithHeaderLength(Bytes b, uint16_t header_length) {
    SetU16(b, kHeaderLengthAt, header_length);
    SetU32(b, kPayloadLengthAt, static_cast<uint32_t>(b.size() - header_length));
    return b;
}

// Inserts `extra` unknown bytes at the end of the header: a newer writer's
// fields.
Bytes WithUnknownHeaderBytes(const Bytes& b, const Bytes& extra) {
    const uint16_t h = HeaderLength(b);
    Bytes out(b.begin(), b.begin() + h);
    out.insert(out.end(), extra.begin(), extra.end());
    out.insert(out.end(), b.begin() + h, b.end());
    SetU16(out, kHeaderLengthAt, static_cast<uint16_t>(h + extra.size()));
    return out;
}

void ExpectSame(const MediaRecord& a, const MediaRecord& b) {
    EXPECT_EQ(a.type, b.type);
    EXPECT_EQ(a.sequence, b.sequence);
    EXPECT_EQ(a.wallclock_ms, b.wallclock_ms);
    EXPECT_EQ(a.broadcast_id, b.broadcast_id);
    EXPECT_EQ(a.channel, b.channel);
    EXPECT_EQ(a.end_reason, b.end_reason);
    EXPECT_EQ(a.metadata.view(), b.metadata.view());
    EXPECT_EQ(a.packet.kind, b.packet.kind);
    EXPECT_EQ(a.packet.codec, b.packet.codec);
    EXPECT_EQ(a.packet.dts, b.packet.dts);
    EXPECT_EQ(a.packet.pts, b.packet.pts);
    EXPECT_EQ(a.packet.keyframe, b.packet.keyframe);
    EXPECT_EQ(a.packet.discontinuity, b.packet.discontinuity);
    EXPECT_EQ(a.packet.segment_start, b.packet.segment_start);
    EXPECT_EQ(a.packet.discontinuity_sequence, b.packet.discontinuity_sequence);
    EXPECT_EQ(a.packet.longest_segment, b.packet.longest_segment);
    EXPECT_EQ(a.packet.payload.view(), b.packet.payload.view());
    EXPECT_TRUE(a.config == b.config);  // kind, codec, extradata
    EXPECT_EQ(a.config.width, b.config.width);
    EXPECT_EQ(a.config.height, b.config.height);
    EXPECT_EQ(a.config.sample_rate, b.config.sample_rate);
    EXPECT_EQ(a.config.channels, b.config.channels);
    EXPECT_EQ(a.config.codec_string, b.config.codec_string);
}

void ExpectError(const Decoded& r, ErrorCode code, const std::string& words) {
    ASSERT_FALSE(r.ok()) << "expected an error with \"" << words << "\"";
    EXPECT_EQ(r.error().code, code) << r.error().message;
    EXPECT_NE(r.error().message.find(words), std::string::npos) << r.error().message;
    EXPECT_FALSE(IsUnknownType(r.error())) << r.error().message;
}

TEST(MediaRecord, EncodesEachTypeByteExact) {
    for (const auto& v : Vectors()) {
        SCOPED_TRACE(v.name);
        EXPECT_TRUE(CheckMediaRecord(v.record).ok());
        EXPECT_EQ(EncodedSize(v.record), v.bytes.size());
        EXPECT_EQ(Encode(v.record), v.bytes);
    }
}

TEST(MediaRecord, DecodesEachTypeByteExact) {
    for (const auto& v : Vectors()) {
        SCOPED_TRACE(v.name);
        auto r = Decode(v.bytes);
        ASSERT_TRUE(r.ok()) << r.error().message;
        ExpectSame(*r, v.record);
    }
}

TEST(MediaRecord, AppendsAfterWhatIsThere) {
    Bytes out = {0xAA, 0xBB};
    AppendEncoded(AudioPacket(), out);
    AppendEncoded(End(), out);
    EXPECT_EQ(out, Concat({{0xAA, 0xBB}, kAudioPacketBytes, kEndBytes}));
}

TEST(MediaRecord, RoundTripsEdgeValues) {
    MediaRecord r = VideoPacket();
    r.sequence = UINT64_MAX;
    r.wallclock_ms = INT64_MAX;
    r.packet.keyframe = false;
    r.packet.discontinuity = true;
    r.packet.dts = -90000;  // negative DTS: legal early on
    r.packet.pts = -90000 - 10 * 90000;  // exactly 10 s before
    r.packet.segment_start = -1;
    r.packet.payload = SharedBuffer();  // empty access unit: carried as it is
    const std::string id(kMaxBroadcastIdBytes, 'b');
    const std::string channel(kMaxChannelBytes, 'c');
    r.broadcast_id = id;
    r.channel = channel;
    ASSERT_TRUE(CheckMediaRecord(r).ok());
    auto d = Decode(Encode(r));
    ASSERT_TRUE(d.ok()) << d.error().message;
    ExpectSame(*d, r);

    r.packet.dts = kMaxTimestamp;
    r.packet.pts = -kMaxTimestamp + 1;  // pts far before dts: refused
    EXPECT_FALSE(CheckMediaRecord(r).ok());
    r.packet.pts = kMaxTimestamp;
    d = Decode(Encode(r));
    ASSERT_TRUE(d.ok()) << d.error().message;
    ExpectSame(*d, r);

    MediaRecord end = End();
    const std::string reason(kMaxEndReasonBytes, 'r');
    end.end_reason = reason;
    d = Decode(Encode(end));
    ASSERT_TRUE(d.ok()) << d.error().message;
    ExpectSame(*d, end);
    end.end_reason = "";
    d = Decode(Encode(end));
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_EQ(d->end_reason, "");

    MediaRecord video = VideoConfig();
    video.config.width = 0xFFFF;
    video.config.height = 0xFFFF;
    video.config.codec_string = std::string(kMaxCodecStringBytes, 'x');
    d = Decode(Encode(video));
    ASSERT_TRUE(d.ok()) << d.error().message;
    ExpectSame(*d, video);
}

TEST(MediaRecord, PayloadsAreSlicesOfTheInput) {
    for (const auto& v : Vectors()) {
        SCOPED_TRACE(v.name);
        const SharedBuffer value = SharedBuffer::Copy(v.bytes);
        const long before = value.use_count();
        auto r = DecodeMediaRecord(value);
        ASSERT_TRUE(r.ok()) << r.error().message;
        const SharedBuffer& payload = r->type == RecordType::kPacket ? r->packet.payload
                                      : r->type == RecordType::kMetadata ? r->metadata
                                                                         : r->config.extradata;
        if (r->type == RecordType::kEnd) {
            EXPECT_EQ(value.use_count(), before);
        } else {
            EXPECT_EQ(value.use_count(), before + 1);
            EXPECT_EQ(payload.data(), value.data() + HeaderLength(v.bytes));
        }
        // The views point into the input, too.
        EXPECT_EQ(reinterpret_cast<const uint8_t*>(r->broadcast_id.data()), value.data() + 27);
        EXPECT_EQ(reinterpret_cast<const uint8_t*>(r->channel.data()), value.data() + 35);
    }
}

TEST(MediaRecord, EveryTruncationIsAnError) {
    for (const auto& v : Vectors()) {
        SCOPED_TRACE(v.name);
        for (size_t n = 0; n < v.bytes.size(); ++n) {
            auto r = DecodeMediaRecord(SharedBuffer::Copy(std::span(v.bytes).first(n)));
            ASSERT_FALSE(r.ok()) << n << " bytes";
            EXPECT_EQ(r.error().code, ErrorCode::kInvalidData) << r.error().message;
        }
    }
}

TEST(MediaRecord, TrailingBytesAreAnError) {
    Bytes b = kVideoPacketBytes;
    b.push_back(0);
    ExpectError(Decode(b), ErrorCode::kInvalidData, "89 bytes, not header_length 82 + payload_length 6");
}

TEST(MediaRecord, RefusesBadMagicAndUnknownVersions) {
    Bytes b = kAudioPacketBytes;
    b[0] = '{';  // JSON on the media topic
    ExpectError(Decode(b), ErrorCode::kInvalidData, "bad magic 123");
    for (uint8_t version : {0, 2, 255}) {
        b = kAudioPacketBytes;
        b[1] = version;
        ExpectError(Decode(b), ErrorCode::kInvalidData, "version " + std::to_string(version) + " is not known");
    }
}

TEST(MediaRecord, SkipsUnknownTypesDistinctly) {
    for (uint8_t type : {0, 7, 255}) {
        Bytes b = kMetadataBytes;
        b[kTypeAt] = type;
        auto r = Decode(b);
        ASSERT_FALSE(r.ok());
        EXPECT_TRUE(IsUnknownType(r.error())) << r.error().message;
        EXPECT_EQ(r.error().code, ErrorCode::kUnsupported);
    }
    // A record of an unknown type must still have a valid common header.
    MediaRecord m = Metadata();
    m.broadcast_id = "";
    Bytes b = Encode(m);
    b[kTypeAt] = 7;
    ExpectError(Decode(b), ErrorCode::kInvalidData, "empty broadcast id");
}

TEST(MediaRecord, SkipsUnknownHeaderBytesFlagsAndPacketFlags) {
    // The compatibility rule: a newer writer's header fields (header_length
    // grows), flag bits and packet flag bits are ignored by this reader.
    // Such a writer writes the fields this reader knows first: the
    // rendition name (here empty, a 0 length), then its own.
    for (const auto& v : Vectors()) {
        SCOPED_TRACE(v.name);
        for (Bytes extra : {Bytes{0x42}, Bytes(100, 0xEE), Bytes(4096 - HeaderLength(v.bytes) - 1, 0x01)}) {
            extra.insert(extra.begin(), 0x00);
            Bytes b = WithUnknownHeaderBytes(v.bytes, extra);
            b[kFlagsAt] = 0xFF;
            auto r = Decode(b);
            ASSERT_TRUE(r.ok()) << r.error().message;
            ExpectSame(*r, v.record);
        }
    }
    Bytes b = kVideoPacketBytes;
    b[kCommonEnd + 2] = 0xFD;  // unknown packet flag bits, keyframe, no discontinuity
    auto r = Decode(b);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(r->packet.keyframe);
    EXPECT_FALSE(r->packet.discontinuity);
}

TEST(MediaRecord, RefusesHeaderLengthOutOfBounds) {
    for (const auto& v : Vectors()) {
        SCOPED_TRACE(v.name);
        // Smaller than the fields it must hold: every value.
        for (uint16_t h = 0; h < HeaderLength(v.bytes); ++h) {
            auto r = Decode(WithHeaderLength(v.bytes, h));
            ASSERT_FALSE(r.ok()) << h;
            EXPECT_EQ(r.error().code, ErrorCode::kInvalidData) << r.error().message;
            EXPECT_NE(r.error().message.find("too small"), std::string::npos) << r.error().message;
        }
        // Larger than the record.
        Bytes b = v.bytes;
        SetU16(b, kHeaderLengthAt, static_cast<uint16_t>(b.size() + 1));
        SetU32(b, kPayloadLengthAt, 0);
        ExpectError(Decode(b), ErrorCode::kInvalidData, "shorter than its header");
        // Larger than 4096, even when the record holds it.
        b = WithUnknownHeaderBytes(v.bytes, Bytes(4097 - HeaderLength(v.bytes), 0));
        ExpectError(Decode(b), ErrorCode::kLimitExceeded, "header_length 4097 (at most 4096)");
        SetU16(b, kHeaderLengthAt, 0xFFFF);
        ExpectError(Decode(b), ErrorCode::kLimitExceeded, "header_length 65535");
    }
}

TEST(MediaRecord, RefusesBadIds) {
    MediaRecord r = End();
    r.broadcast_id = "";
    EXPECT_EQ(CheckMediaRecord(r).error().code, ErrorCode::kInvalidData);
    ExpectError(Decode(Encode(r)), ErrorCode::kInvalidData, "empty broadcast id");
    const std::string long_id(kMaxBroadcastIdBytes + 1, 'b');
    r.broadcast_id = long_id;
    EXPECT_EQ(CheckMediaRecord(r).error().code, ErrorCode::kLimitExceeded);
    ExpectError(Decode(Encode(r)), ErrorCode::kLimitExceeded, "broadcast id of 65 bytes (at most 64)");

    r = End();
    r.channel = "";
    ExpectError(Decode(Encode(r)), ErrorCode::kInvalidData, "empty channel");
    const std::string long_channel(kMaxChannelBytes + 1, 'c');
    r.channel = long_channel;
    EXPECT_EQ(CheckMediaRecord(r).error().code, ErrorCode::kLimitExceeded);

    r = End();
    const std::string long_reason(kMaxEndReasonBytes + 1, 'r');
    r.end_reason = long_reason;
    ExpectError(Decode(Encode(r)), ErrorCode::kLimitExceeded, "end reason of 65 bytes (at most 64)");
}

TEST(MediaRecord, RefusesUnknownTracksAndCodecs) {
    Bytes b = kVideoPacketBytes;
    b[kCommonEnd] = 2;
    ExpectError(Decode(b), ErrorCode::kInvalidData, "unknown track 2");
    b = kVideoPacketBytes;
    b[kCommonEnd + 1] = 2;  // AAC on the video track
    ExpectError(Decode(b), ErrorCode::kInvalidData, "codec 2 on the video track");
    b = kAudioPacketBytes;
    b[kCommonEnd + 1] = 0;
    ExpectError(Decode(b), ErrorCode::kInvalidData, "codec 0 on the audio track");
    b = kVideoConfigBytes;
    b[kCommonEnd] = 7;
    ExpectError(Decode(b), ErrorCode::kInvalidData, "codec 7 in a video config");

    MediaRecord r = AudioConfig();
    r.config.kind = media::TrackKind::kVideo;
    EXPECT_EQ(CheckMediaRecord(r).error().code, ErrorCode::kInvalidData);
}

TEST(MediaRecord, RefusesNonsenseTimestamps) {
    MediaRecord r = VideoPacket();
    r.packet.pts = r.packet.dts - 10 * 90000 - 1;
    ExpectError(Decode(Encode(r)), ErrorCode::kInvalidData, "more than 10 s before dts");
    r = VideoPacket();
    r.packet.dts = kMaxTimestamp + 1;
    r.packet.pts = kMaxTimestamp + 1;
    ExpectError(Decode(Encode(r)), ErrorCode::kInvalidData, "dts 4503599627370497 out of range");
    r.packet.dts = INT64_MIN;  // pts - dts would overflow
    r.packet.pts = INT64_MAX;
    ExpectError(Decode(Encode(r)), ErrorCode::kInvalidData, "out of range");
    r = VideoPacket();
    r.packet.pts = -kMaxTimestamp - 1;
    ExpectError(Decode(Encode(r)), ErrorCode::kInvalidData, "pts -4503599627370497 out of range");
    r = VideoPacket();
    r.packet.segment_start = -2;
    ExpectError(Decode(Encode(r)), ErrorCode::kInvalidData, "segment_start -2");
    r = VideoPacket();
    r.wallclock_ms = -1;
    ExpectError(Decode(Encode(r)), ErrorCode::kInvalidData, "negative wallclock_ms -1");
}

TEST(MediaRecord, RefusesConfigFieldsOutOfRange) {
    Bytes b = kAudioConfigBytes;
    b[kCommonEnd + 5] = 0x80;  // sample rate 0x8000BB80: over INT_MAX
    ExpectError(Decode(b), ErrorCode::kInvalidData, "sample rate");
    MediaRecord r = VideoConfig();
    r.config.width = 0x10000;
    EXPECT_EQ(CheckMediaRecord(r).error().code, ErrorCode::kInvalidData);
    r = AudioConfig();
    r.config.channels = 256;
    EXPECT_EQ(CheckMediaRecord(r).error().code, ErrorCode::kInvalidData);
    r.config.channels = -1;
    EXPECT_EQ(CheckMediaRecord(r).error().code, ErrorCode::kInvalidData);
    r = AudioConfig();
    r.config.codec_string = std::string(kMaxCodecStringBytes + 1, 'x');
    EXPECT_EQ(CheckMediaRecord(r).error().code, ErrorCode::kLimitExceeded);
}

TEST(MediaRecord, RefusesPayloadsOver16MiB) {
    // The announced length is refused before anything else is looked at.
    Bytes b = kVideoPacketBytes;
    SetU32(b, kPayloadLengthAt, (16u << 20) + 1);
    ExpectError(Decode(b), ErrorCode::kLimitExceeded, "payload of 16777217 bytes (at most 16 MiB)");

    MediaRecord r = VideoPacket();
    r.packet.payload = SharedBuffer::Adopt(Bytes(kMaxPayloadBytes, 0));
    auto d = Decode(Encode(r));
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_EQ(d->packet.payload.size(), kMaxPayloadBytes);
    r.packet.payload = SharedBuffer::Adopt(Bytes(kMaxPayloadBytes + 1, 0));
    EXPECT_EQ(CheckMediaRecord(r).error().code, ErrorCode::kLimitExceeded);
    ExpectError(Decode(Encode(r)), ErrorCode::kLimitExceeded, "payload of 16777217 bytes");

    MediaRecord m = Metadata();
    m.metadata = r.packet.payload;
    EXPECT_EQ(CheckMediaRecord(m).error().code, ErrorCode::kLimitExceeded);
    MediaRecord c = VideoConfig();
    c.config.extradata = r.packet.payload;
    EXPECT_EQ(CheckMediaRecord(c).error().code, ErrorCode::kLimitExceeded);
}

TEST(MediaRecord, RefusesAnEndRecordWithAPayload) {
    Bytes b = Concat({kEndBytes, {0x00}});
    SetU32(b, kPayloadLengthAt, 1);
    ExpectError(Decode(b), ErrorCode::kInvalidData, "end record with a payload");
}

TEST(MediaRecord, CheckRefusesAnUnknownType) {
    MediaRecord r = End();
    r.type = static_cast<RecordType>(9);
    EXPECT_EQ(CheckMediaRecord(r).error().code, ErrorCode::kInvalidData);
}

TEST(MediaRecord, CarriesTheRenditionNameAfterTheTypesFields) {
    for (const auto& v : Vectors()) {
        SCOPED_TRACE(v.name);
        MediaRecord r = v.record;
        r.rendition = "720p";
        Bytes b = Encode(r);
        // The source's bytes, then the name: a source record is unchanged.
        ASSERT_EQ(b.size(), v.bytes.size() + 5);
        EXPECT_EQ(HeaderLength(b), HeaderLength(v.bytes) + 5);
        const uint16_t h = HeaderLength(v.bytes);
        EXPECT_EQ(Bytes(b.begin() + h, b.begin() + h + 5), (Bytes{4, '7', '2', '0', 'p'}));
        auto d = Decode(b);
        ASSERT_TRUE(d.ok()) << d.error().message;
        EXPECT_EQ(d->rendition, "720p");
        ExpectSame(*d, v.record);
    }
    MediaRecord r = Metadata();
    std::string long_name(33, 'x');
    r.rendition = long_name;
    EXPECT_EQ(CheckMediaRecord(r).error().code, ErrorCode::kLimitExceeded);
    // A length byte that runs past header_length.
    Bytes b = WithUnknownHeaderBytes(kMetadataBytes, Bytes{9, 'a'});
    ExpectError(Decode(b), ErrorCode::kInvalidData, "too small");
}

TEST(MediaRecord, CarriesALadder) {
    MediaRecord r = Metadata();
    r.type = RecordType::kLadder;
    r.metadata = {};
    const std::string json = R"([{"name":"360p","height":360,"video_kbps":800}])";
    r.ladder = base::SharedBuffer::Copy(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(json.data()), json.size()));
    Bytes b = Encode(r);
    auto d = Decode(b);
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_EQ(d->type, RecordType::kLadder);
    EXPECT_EQ(std::string(d->ladder.view()), json);
    std::string big(16 * 1024 + 1, ' ');
    r.ladder = base::SharedBuffer::Copy(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(big.data()), big.size()));
    EXPECT_EQ(CheckMediaRecord(r).error().code, ErrorCode::kLimitExceeded);
}

}  // namespace
}  // namespace onair::format::record
