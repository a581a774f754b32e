// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <array>
#include <cstdint>

#include "onair/media/packet.h"

namespace onair::media {

/// Makes a publisher's timestamps safe for every packager: a timeline that
/// starts at 0, never goes backwards per track, survives the 32-bit
/// millisecond wrap of RTMP, absurd jumps and publisher changes.
///
/// One offset is shared by all tracks, so audio/video sync is kept; it only
/// changes on a wrap, a jump or Rebase(). Within a track, a DTS that goes
/// backwards (OBS/NVENC B-frame glitches, interleaving) is re-stamped to the
/// track's previous DTS + 1 tick, its PTS moved by the same amount.
class TimestampNormalizer {
public:
    struct Options {
        /// A step (either way) larger than this against the latest output is
        /// a jump: the timeline continues one `gap` after the latest output.
        int64_t max_jump = 10 * kTimescale;
        /// Where the timeline continues after a jump or Rebase(), after the
        /// latest output DTS of any track (about one video frame).
        int64_t gap = 3000;  // 33.3 ms
        /// Input timestamps wrap here (RTMP: 2^32 ms).
        int64_t wrap = (int64_t{1} << 32) * 90;
    };
    struct Stamped {
        int64_t dts = 0;
        int64_t pts = 0;
        bool restamped = false;  // changed beyond the shared offset
    };

    TimestampNormalizer() = default;
    explicit TimestampNormalizer(const Options& options) : options_(options) {}

    Stamped Normalize(TrackKind kind, int64_t dts, int64_t pts);

    /// The next packet, of any track, continues the timeline just after the
    /// latest output (a takeover or republish: new publisher, new clock).
    void Rebase() { rebase_ = true; }

private:
    Options options_;
    bool started_ = false;
    bool rebase_ = false;
    int64_t offset_ = 0;
    int64_t max_out_dts_ = 0;
    std::array<int64_t, 2> last_dts_{{INT64_MIN, INT64_MIN}};
};

}  // namespace onair::media
