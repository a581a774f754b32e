// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <string>

#include "onair/format/hls/media_playlist.h"

namespace onair::format::hls::testing {

/// A passing LL-HLS playlist in the shape of the draft's example (written
/// from memory of draft-pantos-hls-rfc8216bis's Low-Latency example, not
/// copied): 4 s segments 266..272 of 12 parts of 0.33334 s, parts kept on
/// 270..272, an open segment 273 with three parts, a preload hint for the
/// fourth, two rendition reports.
inline MediaPlaylist DraftLikeLowLatencyPlaylist() {
    constexpr int64_t kPart = 30000;  // 0.33333 s: 12 make 4 s
    MediaPlaylist p;
    p.version = 6;
    p.target_duration_seconds = 4;
    p.media_sequence = 266;
    p.independent_segments = true;
    p.part_target = kPart;
    p.server_control.can_block_reload = true;
    p.server_control.part_hold_back = 3 * kPart;
    p.server_control.can_skip_until = 24 * 90000;
    auto parts = [&](uint64_t msn, int n) {
        std::vector<PartialSegment> out;
        for (int i = 0; i < n; ++i)
            out.push_back(PartialSegment{kPart, "filePart" + std::to_string(msn) + "." + std::to_string(i) + ".mp4",
                                         i == 0, std::nullopt, false});
        return out;
    };
    for (uint64_t msn = 266; msn < 273; ++msn) {
        MediaSegment s;
        s.duration = 12 * kPart;
        s.uri = "fileSequence" + std::to_string(msn) + ".mp4";
        if (msn == 266) {
            s.map_uri = "init.mp4";
            s.program_date_time_ms = 1550110416106;  // 2019-02-14T02:13:36.106Z
        }
        if (msn >= 270) s.parts = parts(msn, 12);
        p.segments.push_back(std::move(s));
    }
    MediaSegment open;
    open.parts = parts(273, 3);
    p.open_segment = std::move(open);
    p.preload_hints = {PreloadHint{PreloadHintType::kPart, "filePart273.3.mp4", 0, std::nullopt}};
    p.rendition_reports = {RenditionReport{"../1M/waitForMSN.php", 273, 2},
                           RenditionReport{"../4M/waitForMSN.php", 273, 1}};
    return p;
}

}  // namespace onair::format::hls::testing
