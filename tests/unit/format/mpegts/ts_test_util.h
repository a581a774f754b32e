// SPDX-License-Identifier: Apache-2.0
// A small, strict MPEG-TS reader for tests: checks the packet structure the
// muxer must produce and reassembles PES packets, so tests can assert on
// fields rather than on whole byte dumps.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "onair/base/shared_buffer.h"
#include "onair/media/packet.h"
#include "unit/format/mpegts/sample_stream.h"

namespace onair::test {

struct TsPacketInfo {
    uint16_t pid = 0;
    bool pusi = false;
    uint8_t cc = 0;
    bool has_payload = false;
    bool random_access = false;
    bool discontinuity = false;
    std::optional<int64_t> pcr;  // base, 90 kHz
    std::vector<uint8_t> payload;
};

struct PesInfo {
    uint16_t pid = 0;
    uint8_t stream_id = 0;
    size_t packet_length = 0;  // PES_packet_length
    bool data_alignment = false;
    int64_t pts = -1;
    std::optional<int64_t> dts;
    bool random_access = false;        // on its first TS packet
    std::optional<int64_t> pcr;        // on its first TS packet
    std::vector<uint8_t> data;         // the elementary stream bytes
};

inline int64_t ReadPesTimestamp(const uint8_t* p) {
    return (int64_t{(p[0] >> 1) & 0x07} << 30) | (int64_t{p[1]} << 22) | (int64_t{p[2] >> 1} << 15) |
           (int64_t{p[3]} << 7) | (p[4] >> 1);
}

/// Parses 188-byte packets; fails the test on structural errors (sync,
/// adaptation field lengths, stuffing bytes, marker bits).
inline std::vector<TsPacketInfo> ParseTs(std::span<const uint8_t> ts) {
    std::vector<TsPacketInfo> out;
    EXPECT_EQ(ts.size() % 188, 0u);
    for (size_t off = 0; off + 188 <= ts.size(); off += 188) {
        const uint8_t* p = ts.data() + off;
        TsPacketInfo info;
        EXPECT_EQ(p[0], 0x47) << "at " << off;
        EXPECT_EQ(p[1] & 0x80, 0) << "transport_error_indicator";
        info.pusi = (p[1] & 0x40) != 0;
        info.pid = static_cast<uint16_t>(((p[1] & 0x1F) << 8) | p[2]);
        EXPECT_EQ(p[3] & 0xC0, 0) << "scrambled";
        const uint8_t afc = (p[3] >> 4) & 0x3;
        EXPECT_NE(afc, 0);
        info.cc = p[3] & 0x0F;
        info.has_payload = (afc & 0x1) != 0;
        size_t pos = 4;
        if (afc & 0x2) {
            const size_t len = p[4];
            pos = 5 + len;
            EXPECT_LE(pos, 188u);
            if (!info.has_payload) {
                EXPECT_EQ(len, 183u);
            }
            if (len > 0) {
                const uint8_t flags = p[5];
                info.discontinuity = (flags & 0x80) != 0;
                info.random_access = (flags & 0x40) != 0;
                EXPECT_EQ(flags & 0x2F, 0) << "unexpected adaptation field flags";
                size_t q = 6;
                if (flags & 0x10) {
                    const int64_t base = (int64_t{p[6]} << 25) | (int64_t{p[7]} << 17) | (int64_t{p[8]} << 9) |
                                         (int64_t{p[9]} << 1) | (p[10] >> 7);
                    EXPECT_EQ(p[10] & 0x7E, 0x7E) << "PCR reserved bits";
                    info.pcr = base;
                    q += 6;
                }
                for (; q < pos; ++q) {
                    EXPECT_EQ(p[q], 0xFF) << "stuffing";
                }
            }
        }
        if (info.has_payload) info.payload.assign(p + pos, p + 188);
        out.push_back(std::move(info));
    }
    return out;
}

/// Reassembles the PES packets of `pid`, checking continuity counters as
/// readers do: each packet continues the previous one on its PID, unless it
/// sets the discontinuity_indicator.
inline std::vector<PesInfo> ParsePes(const std::vector<TsPacketInfo>& packets, uint16_t pid) {
    std::vector<PesInfo> out;
    std::optional<uint8_t> last_cc;
    for (const auto& t : packets) {
        if (t.pid != pid) continue;
        if (!t.has_payload) {
            if (last_cc && !t.discontinuity) {
                EXPECT_EQ(t.cc, *last_cc) << "adaptation-only packet must repeat the CC";
            }
            last_cc = t.cc;
            continue;
        }
        if (last_cc && !t.discontinuity) {
            EXPECT_EQ(t.cc, (*last_cc + 1) & 0x0F) << "continuity on pid " << pid;
        }
        last_cc = t.cc;
        if (t.pusi) {
            PesInfo pes;
            pes.pid = pid;
            const auto& d = t.payload;
            EXPECT_GE(d.size(), 14u);
            EXPECT_TRUE(d[0] == 0 && d[1] == 0 && d[2] == 1);
            pes.stream_id = d[3];
            pes.packet_length = (size_t{d[4]} << 8) | d[5];
            EXPECT_EQ(d[6] & 0xFB, 0x80);
            pes.data_alignment = (d[6] & 0x04) != 0;
            const uint8_t pts_dts = d[7] >> 6;
            EXPECT_EQ(d[7] & 0x3F, 0);
            const size_t hlen = d[8];
            EXPECT_TRUE(pts_dts == 2 || pts_dts == 3);
            EXPECT_EQ(hlen, pts_dts == 3 ? 10u : 5u);
            EXPECT_EQ(d[9] >> 4, pts_dts == 3 ? 3 : 2);
            pes.pts = ReadPesTimestamp(&d[9]);
            if (pts_dts == 3) {
                EXPECT_EQ(d[14] >> 4, 1);
                pes.dts = ReadPesTimestamp(&d[14]);
            }
            pes.random_access = t.random_access;
            pes.pcr = t.pcr;
            pes.data.assign(d.begin() + 9 + static_cast<std::ptrdiff_t>(hlen), d.end());
            out.push_back(std::move(pes));
        } else {
            EXPECT_FALSE(out.empty()) << "payload before the first PES start";
            if (!out.empty()) out.back().data.insert(out.back().data.end(), t.payload.begin(), t.payload.end());
        }
    }
    for (const auto& pes : out) {
        if (pes.packet_length != 0) {
            EXPECT_EQ(pes.packet_length, 3 + (pes.dts ? 10 : 5) + pes.data.size());
        }
    }
    return out;
}

/// The sample stream as media::Packets, in DTS order: the video repeated
/// `repeats` times back to back (shifted by its span), the audio frames
/// cycled at their own rate (1024 samples at 22050 Hz) for as long as the
/// video lasts.
inline std::vector<media::Packet> SamplePackets(int repeats = 1) {
    std::vector<media::Packet> out;
    std::vector<const sample::Frame*> audio;
    for (const auto& f : sample::kFrames) {
        if (!f.video) {
            audio.push_back(&f);
            continue;
        }
        for (int r = 0; r < repeats; ++r) {
            media::Packet p;
            p.kind = media::TrackKind::kVideo;
            p.codec = media::Codec::kH264;
            p.keyframe = f.keyframe;
            p.dts = f.dts + r * sample::kSpanTicks;
            p.pts = f.pts + r * sample::kSpanTicks;
            p.payload = base::SharedBuffer::Copy(f.data);
            out.push_back(std::move(p));
        }
    }
    for (int64_t j = 0;; ++j) {
        const int64_t pts = audio.front()->pts + (j * 1024 * 90000 + 11025) / 22050;
        if (pts >= repeats * sample::kSpanTicks) break;
        media::Packet p;
        p.kind = media::TrackKind::kAudio;
        p.codec = media::Codec::kAac;
        p.keyframe = true;
        p.dts = p.pts = pts;
        p.payload = base::SharedBuffer::Copy(audio[static_cast<size_t>(j) % audio.size()]->data);
        out.push_back(std::move(p));
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.dts < b.dts; });
    return out;
}

inline media::CodecConfig SampleVideoConfig() {
    media::CodecConfig c;
    c.kind = media::TrackKind::kVideo;
    c.codec = media::Codec::kH264;
    c.extradata = base::SharedBuffer::Copy(sample::kAvcC);
    c.width = 32;
    c.height = 32;
    c.codec_string = "avc1.64000a";
    return c;
}

inline media::CodecConfig SampleAudioConfig() {
    media::CodecConfig c;
    c.kind = media::TrackKind::kAudio;
    c.codec = media::Codec::kAac;
    c.extradata = base::SharedBuffer::Copy(sample::kAudioSpecificConfig);
    c.sample_rate = 22050;
    c.channels = 1;
    c.codec_string = "mp4a.40.2";
    return c;
}

}  // namespace onair::test
