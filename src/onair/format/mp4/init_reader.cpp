// SPDX-License-Identifier: Apache-2.0
#include "onair/format/mp4/init_reader.h"

#include <optional>

#include "onair/codec/aac/audio_specific_config.h"
#include "onair/codec/h264/avc_config.h"
#include "onair/codec/h264/sps.h"
#include "onair/format/mp4/box_writer.h"
#include "onair/format/mp4/sample_entry.h"

namespace onair::format::mp4 {
namespace {

// Bytes of the fixed fields of a VisualSampleEntry and an AudioSampleEntry
// (8.5.2, 12.1.3, 12.2.3) before their child boxes.
constexpr size_t kVisualSampleEntryFields = 78;
constexpr size_t kAudioSampleEntryFields = 28;
// QuickTime sound description versions 1 and 2 add 16 and 36 bytes.
constexpr size_t kSoundV1Extra = 16;
constexpr size_t kSoundV2Extra = 36;

base::Error Unsupported(const std::string& what) {
    return base::MakeError(base::ErrorCode::kUnsupported, "mp4: " + what);
}

// The child box of `type` directly inside `payload`, if any.
base::Result<std::optional<BoxView>> FindChild(std::span<const uint8_t> payload, size_t depth, uint32_t type) {
    std::optional<BoxView> found;
    auto st = ForEachBox(payload, depth, [&](const BoxView& box) -> base::Status {
        if (box.type == type && !found) found = box;
        return base::Status::Ok();
    });
    if (!st.ok()) return st.error();
    return found;
}

// A path of boxes that must all be there: moov/trak/<path...>.
base::Result<BoxView> Require(std::span<const uint8_t> payload, size_t depth, std::initializer_list<const char*> path) {
    BoxView box;
    std::span<const uint8_t> in = payload;
    for (const char* name : path) {
        auto child = FindChild(in, depth++, Fourcc(name));
        if (!child.ok()) return child.error();
        if (!child->has_value()) return Invalid(std::string("no ") + name + " box");
        box = **child;
        in = box.payload;
    }
    return box;
}

// One ISO/IEC 14496-1 descriptor: its tag and body.
bool ReadDescriptor(base::ByteReader& r, uint8_t& tag, std::span<const uint8_t>& body) {
    if (!r.ReadU8(tag)) return false;
    size_t size = 0;
    for (int i = 0; i < 4; ++i) {
        uint8_t b = 0;
        if (!r.ReadU8(b)) return false;
        size = (size << 7) | (b & 0x7f);
        if ((b & 0x80) == 0) break;
    }
    return r.ReadBytes(size, body);
}

// The DecoderSpecificInfo (AudioSpecificConfig) of an esds.
base::Result<std::span<const uint8_t>> EsdsConfig(std::span<const uint8_t> esds) {
    base::ByteReader r(esds);
    uint8_t version = 0;
    uint32_t flags = 0;
    uint8_t tag = 0;
    std::span<const uint8_t> es;
    if (!ReadFullBoxHeader(r, version, flags) || !ReadDescriptor(r, tag, es) || tag != kEsDescrTag) {
        return Invalid("esds without an ES_Descriptor");
    }
    base::ByteReader e(es);
    uint16_t es_id = 0;
    uint8_t es_flags = 0;
    if (!e.ReadU16(es_id) || !e.ReadU8(es_flags)) return Invalid("ES_Descriptor cut short");
    uint8_t url_length = 0;
    if ((es_flags & 0x80) && !e.Skip(2)) return Invalid("ES_Descriptor cut short");  // dependsOn_ES_ID
    if ((es_flags & 0x40) && (!e.ReadU8(url_length) || !e.Skip(url_length))) return Invalid("ES_Descriptor cut short");
    if ((es_flags & 0x20) && !e.Skip(2)) return Invalid("ES_Descriptor cut short");  // OCR_ES_Id
    std::span<const uint8_t> dcd;
    if (!ReadDescriptor(e, tag, dcd) || tag != kDecoderConfigDescrTag) return Invalid("esds without a DecoderConfigDescriptor");
    base::ByteReader d(dcd);
    uint8_t object_type = 0;
    if (!d.ReadU8(object_type) || !d.Skip(12)) return Invalid("DecoderConfigDescriptor cut short");
    // MPEG-4 audio, or the MPEG-2 AAC profiles (0x66..0x68).
    if (object_type != kObjectTypeMpeg4Audio && (object_type < 0x66 || object_type > 0x68)) {
        return Unsupported("audio object type indication " + std::to_string(object_type));
    }
    std::span<const uint8_t> dsi;
    if (!ReadDescriptor(d, tag, dsi) || tag != kDecSpecificInfoTag) return Invalid("esds without a DecoderSpecificInfo");
    return dsi;
}

base::Result<media::CodecConfig> VideoConfig(std::span<const uint8_t> entry, size_t depth) {
    if (entry.size() < kVisualSampleEntryFields) return Invalid("video sample entry cut short");
    auto avcc = FindChild(entry.subspan(kVisualSampleEntryFields), depth, Fourcc("avcC"));
    if (!avcc.ok()) return avcc.error();
    if (!avcc->has_value()) return Invalid("avc1 without avcC");
    media::CodecConfig c;
    c.kind = media::TrackKind::kVideo;
    c.codec = media::Codec::kH264;
    c.extradata = base::SharedBuffer::Copy((*avcc)->payload);
    auto record = codec::h264::ParseAvcConfig(c.extradata);
    if (!record.ok()) return record.error().Wrap("mp4: avcC");
    if (record->nal_length_size != 4) return Unsupported("avcC with " + std::to_string(record->nal_length_size) + "-byte NAL lengths");
    auto sps = codec::h264::ParseSps(record->sps.front().span());
    if (!sps.ok()) return sps.error().Wrap("mp4: avcC");
    c.width = static_cast<int>(sps->width);
    c.height = static_cast<int>(sps->height);
    c.codec_string = codec::h264::CodecString(sps->profile_idc, sps->constraint_flags, sps->level_idc);
    return c;
}

base::Result<media::CodecConfig> AudioConfig(std::span<const uint8_t> entry, size_t depth) {
    if (entry.size() < kAudioSampleEntryFields) return Invalid("audio sample entry cut short");
    const uint16_t version = static_cast<uint16_t>((entry[8] << 8) | entry[9]);
    const size_t fields = kAudioSampleEntryFields + (version == 1 ? kSoundV1Extra : version == 2 ? kSoundV2Extra : 0);
    if (entry.size() < fields) return Invalid("audio sample entry cut short");
    auto esds = FindChild(entry.subspan(fields), depth, Fourcc("esds"));
    if (!esds.ok()) return esds.error();
    if (!esds->has_value()) return Invalid("mp4a without esds");
    auto dsi = EsdsConfig((*esds)->payload);
    if (!dsi.ok()) return dsi.error();
    auto asc = codec::aac::ParseAudioSpecificConfig(*dsi);
    if (!asc.ok()) return asc.error().Wrap("mp4: esds");
    media::CodecConfig c;
    c.kind = media::TrackKind::kAudio;
    c.codec = media::Codec::kAac;
    c.extradata = base::SharedBuffer::Copy(*dsi);
    c.sample_rate = static_cast<int>(asc->sample_rate);
    c.channels = asc->channel_config == 7 ? 8 : asc->channel_config;
    c.codec_string = codec::aac::CodecString(asc.value());
    return c;
}

// Full-box version and the 32- or 64-bit time fields before a timescale.
bool SkipTimes(base::ByteReader& r, uint8_t& version) {
    uint32_t flags = 0;
    return ReadFullBoxHeader(r, version, flags) && r.Skip(version == 1 ? 16 : 8);
}

base::Result<std::optional<Track>> ReadTrak(std::span<const uint8_t> trak) {
    constexpr size_t kTrakDepth = 2;
    Track t;
    auto tkhd = Require(trak, kTrakDepth, {"tkhd"});
    if (!tkhd.ok()) return tkhd.error();
    base::ByteReader tr(tkhd->payload);
    uint8_t version = 0;
    if (!SkipTimes(tr, version) || !tr.ReadU32(t.id)) return Invalid("tkhd cut short");
    auto mdhd = Require(trak, kTrakDepth, {"mdia", "mdhd"});
    if (!mdhd.ok()) return mdhd.error();
    base::ByteReader mr(mdhd->payload);
    if (!SkipTimes(mr, version) || !mr.ReadU32(t.timescale)) return Invalid("mdhd cut short");
    if (t.timescale == 0) return Invalid("mdhd timescale 0");
    auto hdlr = Require(trak, kTrakDepth, {"mdia", "hdlr"});
    if (!hdlr.ok()) return hdlr.error();
    base::ByteReader hr(hdlr->payload);
    uint32_t flags = 0, pre_defined = 0, handler = 0;
    if (!ReadFullBoxHeader(hr, version, flags) || !hr.ReadU32(pre_defined) || !hr.ReadU32(handler)) {
        return Invalid("hdlr cut short");
    }
    if (handler != Fourcc("vide") && handler != Fourcc("soun")) return std::optional<Track>();
    auto stsd = Require(trak, kTrakDepth, {"mdia", "minf", "stbl", "stsd"});
    if (!stsd.ok()) return stsd.error();
    base::ByteReader sr(stsd->payload);
    uint32_t entries = 0;
    if (!ReadFullBoxHeader(sr, version, flags) || !sr.ReadU32(entries)) return Invalid("stsd cut short");
    if (entries == 0) return Invalid("stsd without an entry");
    if (entries > kMaxSampleDescriptions) return TooMany("stsd of " + std::to_string(entries) + " entries");
    auto entry = ReadBoxHeader(sr.rest(), 0);
    if (!entry.ok()) return entry.error();
    constexpr size_t kEntryDepth = kTrakDepth + 5;  // trak/mdia/minf/stbl/stsd/<entry>
    const uint32_t type = entry->type;
    base::Result<media::CodecConfig> config = Unsupported("sample entry " + FourccName(type));
    if (type == Fourcc("avc1") || type == Fourcc("avc3")) config = VideoConfig(entry->payload, kEntryDepth);
    else if (type == Fourcc("mp4a")) config = AudioConfig(entry->payload, kEntryDepth);
    if (!config.ok()) return config.error();
    t.config = std::move(config.value());
    return std::optional<Track>(std::move(t));
}

}  // namespace

base::Result<std::vector<Track>> ReadInitSegment(std::span<const uint8_t> bytes) {
    std::optional<BoxView> moov;
    auto st = ForEachBox(bytes, 0, [&](const BoxView& box) -> base::Status {
        if (box.type == Fourcc("moov") && !moov) {
            if (box.size > kMaxInitSegmentBytes) return TooMany("moov of " + std::to_string(box.size) + " bytes");
            moov = box;
        }
        return base::Status::Ok();
    });
    if (!st.ok()) return st.error();
    if (!moov) return Invalid("no moov");
    std::vector<Track> tracks;
    size_t traks = 0;
    st = ForEachBox(moov->payload, 1, [&](const BoxView& box) -> base::Status {
        if (box.type != Fourcc("trak")) return base::Status::Ok();
        if (++traks > kMaxTracks) return TooMany("more than " + std::to_string(kMaxTracks) + " tracks");
        auto t = ReadTrak(box.payload);
        if (!t.ok()) return t.error();
        if (t->has_value()) tracks.push_back(std::move(**t));
        return base::Status::Ok();
    });
    if (!st.ok()) return st.error();
    if (tracks.empty()) return Invalid("no audio or video track");
    return tracks;
}

}  // namespace onair::format::mp4
