// SPDX-License-Identifier: Apache-2.0
// Feeds arbitrary FLV tag bodies to one TagDemuxer, as a publisher's
// connection does. The input is a list of records:
//
//   [kind: 1 byte, bit 0: 1 video / 0 audio] [length: 2 bytes BE]
//   [timestamp ms: 4 bytes BE] [body: length bytes, or what is left]
//
// Whatever comes out must be safe for every consumer downstream (packets
// framed with valid 4-byte lengths, configs that parse again), and must
// survive the player path: built back into tags by the tag builder and
// demuxed by a second demuxer, it must come out the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "onair/codec/aac/audio_specific_config.h"
#include "onair/codec/h264/avc_config.h"
#include "onair/codec/h264/nal.h"
#include "onair/format/flv/tag_builder.h"
#include "onair/format/flv/tag_constants.h"
#include "onair/format/flv/tag_demuxer.h"

using namespace onair;
using format::flv::Demuxed;

namespace {

void Check(bool ok) {
    if (!ok) std::abort();
}

base::SharedBuffer Join(const base::SharedBuffer& header, const base::SharedBuffer& payload) {
    std::vector<uint8_t> out(header.span().begin(), header.span().end());
    out.insert(out.end(), payload.span().begin(), payload.span().end());
    return base::SharedBuffer::Adopt(std::move(out));
}

void CheckConfig(const media::CodecConfig& c) {
    if (c.kind == media::TrackKind::kVideo) {
        Check(c.codec == media::Codec::kH264);
        auto avcc = codec::h264::ParseAvcConfig(c.extradata);
        Check(avcc.ok());
        Check(avcc->nal_length_size == 4);  // configs travel with 4-byte lengths, as packets do
        Check(c.width > 0 && c.width <= 16384 && c.height > 0 && c.height <= 16384);
        Check(c.codec_string.size() == 11 && c.codec_string.rfind("avc1.", 0) == 0);
    } else {
        Check(c.codec == media::Codec::kAac);
        Check(codec::aac::ParseAudioSpecificConfig(c.extradata.span()).ok());
        Check(c.sample_rate > 0 && c.channels >= 1 && c.channels <= 8);
        Check(c.codec_string.rfind("mp4a.40.", 0) == 0);
    }
}

void CheckPacket(const media::Packet& p, uint32_t timestamp_ms) {
    Check(!p.payload.empty());
    Check(p.dts == media::MsToTicks(timestamp_ms));
    if (p.kind == media::TrackKind::kVideo) {
        Check(p.codec == media::Codec::kH264);
        size_t nals = 0;
        Check(codec::h264::ForEachNal(p.payload.span(), 4, [&](std::span<const uint8_t>) { ++nals; }).ok());
        Check(nals > 0);
        if (codec::h264::ContainsIdr(p.payload.span())) Check(p.keyframe);
        const int64_t cts = p.pts - p.dts;
        Check(cts >= -int64_t{0x800000} * 90 && cts <= int64_t{0x7fffff} * 90);
    } else {
        Check(p.codec == media::Codec::kAac);
        Check(p.pts == p.dts && p.keyframe);
        Check(p.payload.size() <= format::flv::kMaxAacFrameBytes);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    format::flv::TagDemuxer demuxer;
    format::flv::TagDemuxer mirror;  // fed what players would get
    media::CodecConfig audio_config;
    std::span<const uint8_t> in(data, size);
    while (in.size() >= 7) {
        const bool video = in[0] & 1;
        const size_t len = (size_t{in[1]} << 8) | in[2];
        const uint32_t ts = (uint32_t{in[3]} << 24) | (uint32_t{in[4]} << 16) | (uint32_t{in[5]} << 8) | in[6];
        in = in.subspan(7);
        const auto body_bytes = in.first(std::min(len, in.size()));
        in = in.subspan(body_bytes.size());
        const auto body = base::SharedBuffer::Copy(body_bytes);

        auto r = video ? demuxer.Video(body, ts) : demuxer.Audio(body, ts);
        if (!r.ok()) {
            const auto code = r.error().code;
            Check(code == base::ErrorCode::kInvalidData || code == base::ErrorCode::kUnsupported ||
                  code == base::ErrorCode::kLimitExceeded);
            Check(!r.error().message.empty());
            continue;
        }
        const Demuxed& d = r.value();
        if (d.kind == Demuxed::Kind::kConfig) {
            Check(d.config.kind == (video ? media::TrackKind::kVideo : media::TrackKind::kAudio));
            CheckConfig(d.config);
            // The sequence header a player gets demuxes to the same config.
            auto m = video ? mirror.Video(format::flv::VideoSequenceHeaderTag(d.config), ts)
                           : mirror.Audio(format::flv::AudioSequenceHeaderTag(d.config), ts);
            Check(m.ok() && m->kind == Demuxed::Kind::kConfig);
            Check(m->config == d.config);
            Check(m->config.width == d.config.width && m->config.height == d.config.height);
            Check(m->config.sample_rate == d.config.sample_rate && m->config.channels == d.config.channels);
            Check(m->config.codec_string == d.config.codec_string);
            if (!video) audio_config = d.config;
        } else if (d.kind == Demuxed::Kind::kPacket) {
            Check(d.packet.kind == (video ? media::TrackKind::kVideo : media::TrackKind::kAudio));
            CheckPacket(d.packet, ts);
            // The tag a player gets demuxes to the same packet.
            const auto header =
                video ? format::flv::VideoTagHeader(d.packet) : format::flv::AudioTagHeader(audio_config);
            auto m = video ? mirror.Video(Join(header, d.packet.payload), ts)
                           : mirror.Audio(Join(header, d.packet.payload), ts);
            Check(m.ok() && m->kind == Demuxed::Kind::kPacket);
            Check(m->packet.dts == d.packet.dts && m->packet.pts == d.packet.pts);
            Check(m->packet.keyframe == d.packet.keyframe);
            Check(m->packet.payload.view() == d.packet.payload.view());
        }
    }
    return 0;
}
