// SPDX-License-Identifier: Apache-2.0
#include "onair/packager/segmenter.h"

#include <algorithm>

namespace onair::packager {

Segmenter::Segmenter(const Options& options) : options_(options) {}

Segmenter::StampResult Segmenter::Stamp(media::Packet& packet) {
    StampResult result;
    packet.segment_start = -1;
    packet.discontinuity_sequence = 0;
    packet.longest_segment = 0;
    const bool video = packet.kind == media::TrackKind::kVideo;
    const bool start_point = has_video_ ? video && packet.keyframe : !video;
    if (packet.discontinuity && !start_point) {
        pending_discontinuity_ = true;
        packet.discontinuity = false;
    }
    if (!start_point) return result;
    const bool discontinuity = packet.discontinuity || pending_discontinuity_;
    packet.discontinuity = discontinuity;
    pending_discontinuity_ = false;

    if (video) {
        if (last_keyframe_dts_ && !discontinuity) {
            const int64_t gop = packet.dts - *last_keyframe_dts_;
            if (gop > options_.target_duration + options_.jitter_tolerance) {
                result.long_gop = true;
                result.gop_duration = gop;
            }
        }
        last_keyframe_dts_ = packet.dts;
    }

    const bool cut = !segment_start_dts_ || discontinuity ||
                     packet.dts - *segment_start_dts_ >= options_.target_duration - options_.jitter_tolerance;
    if (cut) {
        if (segment_start_dts_) longest_segment_ = std::max(longest_segment_, packet.dts - *segment_start_dts_);
        segment_start_dts_ = packet.dts;
        packet.segment_start = next_segment_;
        packet.discontinuity_sequence = discontinuities_;
        packet.longest_segment = longest_segment_;
        result.segment = next_segment_;
        ++next_segment_;
        if (discontinuity) ++discontinuities_;
    }
    return result;
}

}  // namespace onair::packager
