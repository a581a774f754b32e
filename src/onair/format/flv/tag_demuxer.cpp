// SPDX-License-Identifier: Apache-2.0
#include "onair/format/flv/tag_demuxer.h"

#include "onair/codec/aac/audio_specific_config.h"
#include "onair/codec/h264/avc_config.h"
#include "onair/codec/h264/nal.h"
#include "onair/codec/h264/sps.h"
#include "onair/format/flv/tag_constants.h"

namespace onair::format::flv {

namespace {

base::Error Invalid(std::string message) { return base::MakeError(base::ErrorCode::kInvalidData, std::move(message)); }
base::Error Unsupported(std::string message) {
    return base::MakeError(base::ErrorCode::kUnsupported, std::move(message));
}

const char* VideoCodecName(uint8_t id) {
    switch (id) {
        case 2: return "Sorenson H.263";
        case 3: return "Screen video";
        case 4: return "On2 VP6";
        case 5: return "On2 VP6 with alpha";
        case 6: return "Screen video v2";
        case 12: return "HEVC (non-standard codec id 12)";
        default: return "unknown";
    }
}

const char* AudioFormatName(uint8_t format) {
    switch (format) {
        case 0: case 3: return "linear PCM";
        case 1: return "ADPCM";
        case 2: return "MP3";
        case 4: case 5: case 6: return "Nellymoser";
        case 7: return "G.711 A-law";
        case 8: return "G.711 mu-law";
        case 9: return "Enhanced RTMP audio (FourCC)";
        case 11: return "Speex";
        case 13: return "Opus (non-standard)";
        case 14: return "MP3 8 kHz";
        default: return "unknown";
    }
}

}  // namespace

base::Result<Demuxed> TagDemuxer::Video(const base::SharedBuffer& body, uint32_t timestamp_ms) {
    Demuxed out;
    if (body.empty()) return out;  // some encoders send empty video messages
    const uint8_t b0 = body[0];
    if (b0 & kExVideoHeaderBit) {
        // Enhanced RTMP (v1/v2): FourCC after the header byte.
        std::string fourcc = body.size() >= 5 ? std::string(body.view().substr(1, 4)) : std::string("????");
        for (char& c : fourcc) {
            if (c < 0x20 || c > 0x7e) c = '?';
        }
        return Unsupported("video codec " + fourcc + " (Enhanced RTMP) is not supported; publish H.264 (AVC)");
    }
    const uint8_t frame_type = b0 >> 4;
    const uint8_t codec_id = b0 & 0x0f;
    if (frame_type == kFrameTypeInfo) return out;  // video info/command frame
    if (codec_id != kCodecIdAvc) {
        return Unsupported(std::string("video codec ") + VideoCodecName(codec_id) + " (FLV codec id " +
                           std::to_string(codec_id) + ") is not supported; publish H.264 (AVC)");
    }
    if (body.size() < 5) return Invalid("flv: AVC video tag shorter than 5 bytes");
    const uint8_t packet_type = body[1];
    // SI24 composition time offset, in ms.
    int32_t cts = (static_cast<int32_t>(body[2]) << 16) | (static_cast<int32_t>(body[3]) << 8) | body[4];
    if (cts & 0x800000) cts -= 0x1000000;
    const base::SharedBuffer data = body.Slice(5);
    switch (packet_type) {
        case kAvcSequenceHeader: {
            auto avcc = codec::h264::ParseAvcConfig(data);
            if (!avcc.ok()) return avcc.error().Wrap("flv: AVC sequence header");
            auto sps = codec::h264::ParseSps(avcc->sps.front().span());
            if (!sps.ok()) return sps.error().Wrap("flv: AVC sequence header");
            nal_length_size_ = avcc->nal_length_size;
            out.kind = Demuxed::Kind::kConfig;
            out.config.kind = media::TrackKind::kVideo;
            out.config.codec = media::Codec::kH264;
            if (avcc->nal_length_size == 4) {
                out.config.extradata = data;
            } else {
                // Carried with 4-byte lengths, as the packets are.
                out.config.extradata = base::SharedBuffer::Adopt(codec::h264::WriteAvcConfig(avcc.value()));
            }
            out.config.width = static_cast<int>(sps->width);
            out.config.height = static_cast<int>(sps->height);
            out.config.codec_string = codec::h264::CodecString(sps->profile_idc, sps->constraint_flags, sps->level_idc);
            return out;
        }
        case kAvcNalu: {
            if (nal_length_size_ == 0) return Invalid("flv: AVC frame before the sequence header");
            if (data.empty()) return out;
            media::Packet& p = out.packet;
            p.kind = media::TrackKind::kVideo;
            p.codec = media::Codec::kH264;
            p.dts = media::MsToTicks(timestamp_ms);
            p.pts = media::MsToTicks(static_cast<int64_t>(timestamp_ms) + cts);
            if (nal_length_size_ == 4) {
                // Validate the framing once here; every packager downstream trusts it.
                bool idr = false;
                size_t nals = 0;
                auto st = codec::h264::ForEachNal(data.span(), 4, [&](std::span<const uint8_t> nal) {
                    ++nals;
                    if (codec::h264::NalTypeOf(nal[0]) == static_cast<uint8_t>(codec::h264::NalType::kIdr)) idr = true;
                });
                if (!st.ok()) return st.error().Wrap("flv: AVC frame");
                // Only zero-length units: nothing, as in the converted path.
                if (nals == 0) return Demuxed{};
                p.payload = data;
                p.keyframe = frame_type == kFrameTypeKey || idr;
            } else {
                auto converted = codec::h264::ToFourByteLengths(data.span(), nal_length_size_);
                if (!converted.ok()) return converted.error().Wrap("flv: AVC frame");
                p.payload = base::SharedBuffer::Adopt(std::move(converted.value()));
                p.keyframe = frame_type == kFrameTypeKey || codec::h264::ContainsIdr(p.payload.span());
            }
            if (p.payload.empty()) return Demuxed{};
            out.kind = Demuxed::Kind::kPacket;
            return out;
        }
        case kAvcEndOfSequence:
            return out;
        default:
            return Invalid("flv: unknown AVC packet type " + std::to_string(packet_type));
    }
}

base::Result<Demuxed> TagDemuxer::Audio(const base::SharedBuffer& body, uint32_t timestamp_ms) {
    Demuxed out;
    if (body.empty()) return out;
    const uint8_t format = body[0] >> 4;
    if (format != kSoundFormatAac) {
        return Unsupported(std::string("audio codec ") + AudioFormatName(format) + " (FLV sound format " +
                           std::to_string(format) + ") is not supported; publish AAC");
    }
    if (body.size() < 2) return Invalid("flv: AAC audio tag shorter than 2 bytes");
    const base::SharedBuffer data = body.Slice(2);
    if (body[1] == kAacSequenceHeader) {
        auto asc = codec::aac::ParseAudioSpecificConfig(data.span());
        if (!asc.ok()) return asc.error().Wrap("flv: AAC sequence header");
        has_audio_config_ = true;
        out.kind = Demuxed::Kind::kConfig;
        out.config.kind = media::TrackKind::kAudio;
        out.config.codec = media::Codec::kAac;
        out.config.extradata = data;
        out.config.sample_rate = static_cast<int>(asc->sample_rate);
        out.config.channels = asc->channel_config == 7 ? 8 : asc->channel_config;
        out.config.codec_string = codec::aac::CodecString(asc.value());
        return out;
    }
    if (body[1] != kAacRaw) return Invalid("flv: unknown AAC packet type " + std::to_string(body[1]));
    if (!has_audio_config_) return Invalid("flv: AAC frame before the sequence header");
    if (data.empty()) return out;
    if (data.size() > kMaxAacFrameBytes) return Invalid("flv: AAC frame larger than an ADTS frame can carry");
    media::Packet& p = out.packet;
    p.kind = media::TrackKind::kAudio;
    p.codec = media::Codec::kAac;
    p.dts = p.pts = media::MsToTicks(timestamp_ms);
    p.keyframe = true;
    p.payload = data;
    out.kind = Demuxed::Kind::kPacket;
    return out;
}

}  // namespace onair::format::flv
