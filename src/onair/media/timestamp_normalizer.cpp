// SPDX-License-Identifier: Apache-2.0
#include "onair/media/timestamp_normalizer.h"

#include <algorithm>

namespace onair::media {

int64_t TimestampNormalizer::ContinueAt() const { return std::max(max_out_dts_, max_out_pts_) + options_.gap; }

TimestampNormalizer::Stamped TimestampNormalizer::Normalize(TrackKind kind, int64_t dts, int64_t pts) {
    Stamped out;
    // Composition offset as the publisher sent it; never negative on output.
    int64_t cto = pts - dts;
    if (cto < 0) {
        cto = 0;
        out.restamped = true;
    }
    int64_t d = 0;
    if (!started_) {
        started_ = true;
        offset_ = -dts;
        d = 0;
    } else if (rebase_) {
        offset_ = ContinueAt() - dts;
        d = dts + offset_;
    } else {
        d = dts + offset_;
        const int64_t step = d - max_out_dts_;
        if (step > options_.max_jump || step < -options_.max_jump) {
            auto near = [&](int64_t s) { return s <= options_.max_jump && s >= -options_.max_jump; };
            if (near(step + options_.wrap)) {
                // The input clock wrapped (2^32 ms -> 0): a new epoch, and
                // the true step is kept, so this is not a re-stamp.
                offset_ += options_.wrap;
                d += options_.wrap;
            } else if (near(step - options_.wrap)) {
                // Stamped before the wrap, arriving after another track's
                // first wrapped packet (tracks interleave loosely): it
                // belongs to the previous epoch.
                d -= options_.wrap;
            } else {
                offset_ = ContinueAt() - dts;
                d = dts + offset_;
                out.restamped = true;
            }
        }
    }
    rebase_ = false;
    if (d < 0) {
        // Before the start (a track stamped earlier than the first packet
        // of the other): nothing goes before 0.
        d = 0;
        out.restamped = true;
    }
    const size_t track = static_cast<size_t>(kind) & 1;
    int64_t& last = last_dts_[track];
    int64_t& step = last_step_[track];
    if (last != INT64_MIN && d <= last) {
        // Strictly increasing per track (TS and MP4 cannot carry two access
        // units of one track at the same DTS), and one frame interval on:
        // frames microseconds apart would share a slot in a decoder that
        // times them by the frame rate. Later frames that are still behind
        // follow the same way until the publisher's clock is ahead again.
        d = last + step;
        out.restamped = true;
    } else if (last != INT64_MIN && !out.restamped) {
        step = std::clamp<int64_t>(d - last, kMinStep, kMaxStep);
    }
    last = d;
    max_out_dts_ = std::max(max_out_dts_, d);
    max_out_pts_ = std::max(max_out_pts_, d + cto);
    out.dts = d;
    out.pts = d + cto;
    return out;
}

}  // namespace onair::media
