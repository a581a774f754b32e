// SPDX-License-Identifier: Apache-2.0
// A broadcast as packagers receive it (an edge from Kafka, an HlsChannel
// from the Broadcast): the sample stream stamped by the Segmenter and dated,
// with a long GOP, a takeover and a republish that may drop the audio track,
// so that tests can feed it to packagers that start at different points and
// compare what they serve.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "onair/media/packet.h"
#include "onair/packager/segmenter.h"
#include "unit/format/mpegts/ts_test_util.h"

namespace onair::test {

struct SampleBroadcast {
    struct Configs {
        std::optional<media::CodecConfig> video;
        std::optional<media::CodecConfig> audio;
    };
    struct Step {
        size_t configs = 0;  // index into `configs`: in effect for this packet
        media::Packet packet;
    };
    std::vector<Configs> configs;
    std::vector<Step> steps;
    std::vector<size_t> segment_starts;  // step index of segment n's first packet
    std::vector<int64_t> discontinuities;  // segment numbers that start with one
    int64_t target = 0;                  // Segmenter target (90 kHz)

    /// The step that starts segment `n`.
    size_t StartOf(int64_t n) const { return segment_starts.at(static_cast<size_t>(n)); }
};

inline constexpr int64_t kSampleWall = 1796244318123;  // 2026-12-02T20:45:18.123Z

/// About 13 s of the sample (H.264 with a keyframe every 5 frames, and AAC)
/// cut by a Segmenter with a 0.4 s target (segments of two GOPs), with:
///  - at 2.0-3.6 s no keyframes: one segment of about 2 s (TARGETDURATION 2);
///  - a takeover at 4.8 s (same tracks): EXT-X-DISCONTINUITY, and 30 fps
///    instead of 25 from there (timestamps run at 5/6 of the sample's);
///  - a republish at the sample's 8.0 s: another discontinuity, without
///    audio from there when `drop_audio` (new configs: video only).
/// Every packet is dated (wallclock_ms) as the ingest would date it.
inline SampleBroadcast MakeSampleBroadcast(bool drop_audio) {
    SampleBroadcast b;
    b.target = 36000;
    b.configs.push_back({SampleVideoConfig(), SampleAudioConfig()});
    packager::Segmenter::Options so;
    so.target_duration = b.target;
    packager::Segmenter segmenter(so);
    segmenter.SetHasVideo(true);
    constexpr int64_t kSecond = media::kTimescale;
    bool took_over = false, republished = false;
    for (auto p : SamplePackets(36)) {
        const bool video = p.kind == media::TrackKind::kVideo;
        if (video && p.keyframe && p.dts >= 2 * kSecond && p.dts < 18 * kSecond / 5) p.keyframe = false;
        if (video && p.keyframe && !took_over && p.dts >= 24 * kSecond / 5) {
            p.discontinuity = true;
            took_over = true;
        }
        if (video && p.keyframe && !republished && p.dts >= 8 * kSecond) {
            p.discontinuity = true;
            republished = true;
            if (drop_audio) b.configs.push_back({SampleVideoConfig(), std::nullopt});
        }
        if (republished && drop_audio && !video) continue;
        if (took_over) {
            constexpr int64_t kT0 = 24 * kSecond / 5;
            p.dts = kT0 + (p.dts - kT0) * 5 / 6;
            p.pts = kT0 + (p.pts - kT0) * 5 / 6;
        }
        (void)segmenter.Stamp(p);
        // Received a little after its DTS, with some jitter of the network.
        p.wallclock_ms = kSampleWall + p.dts / 90 + (p.dts / 3600) % 7;
        if (p.segment_start >= 0) {
            b.segment_starts.push_back(b.steps.size());
            if (p.discontinuity) b.discontinuities.push_back(p.segment_start);
        }
        b.steps.push_back({b.configs.size() - 1, std::move(p)});
    }
    return b;
}

}  // namespace onair::test
