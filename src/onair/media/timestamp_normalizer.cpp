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
    if (!started_) {
        started_ = true;
        offset_ = -dts;
    } else if (rebase_) {
        offset_ = ContinueAt() - dts;
    } else {
        const int64_t candidate = dts + offset_;
        const int64_t step = candidate - max_out_dts_;
        if (step > options_.max_jump || step < -options_.max_jump) {
            // A 32-bit wrap lands near max_out + (in - prev_in + wrap): keep
            // the true step when it is small, else continue after a gap.
            const int64_t wrapped = step + options_.wrap;
            if (wrapped >= 0 && wrapped <= options_.max_jump) {
                offset_ += options_.wrap;  // the true step is kept: not a re-stamp
            } else {
                offset_ = ContinueAt() - dts;
                out.restamped = true;
            }
        }
    }
    rebase_ = false;
    int64_t d = dts + offset_;
    int64_t& last = last_dts_[static_cast<size_t>(kind) & 1];
    if (last != INT64_MIN && d <= last) {
        // Strictly increasing per track: TS and MP4 cannot carry two access
        // units of one track at the same DTS.
        d = last + 1;
        out.restamped = true;
    }
    last = d;
    max_out_dts_ = std::max(max_out_dts_, d);
    max_out_pts_ = std::max(max_out_pts_, d + cto);
    out.dts = d;
    out.pts = d + cto;
    return out;
}

}  // namespace onair::media
