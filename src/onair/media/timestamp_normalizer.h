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
/// backwards or repeats (OBS/NVENC B-frame glitches, interleaving) is
/// re-stamped to the track's previous DTS + its last frame interval (1 to
/// 100 ms), its PTS moved by the same amount.
/// Around the 32-bit wrap, a track still sending pre-wrap values after the
/// other one wrapped keeps its place too. Output DTS are never negative.
class TimestampNormalizer {
public:
    struct Options {
        /// A step (either way) larger than this against the latest output is
        /// a jump: the timeline continues one `gap` after the latest output.
        int64_t max_jump = 10 * kTimescale;
        /// Where the timeline continues after a jump or Rebase(): this long
        /// after the latest output PTS of any track. It must exceed a frame
        /// duration, or the last picture of the old timeline and the first
        /// of the new one would share a presentation slot.
        int64_t gap = 9000;  // 100 ms
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
    /// latest output, presentation times included (a takeover or republish:
    /// new publisher, new clock; B-frames of the old one may be presented
    /// after its last DTS).
    void Rebase() { rebase_ = true; }

private:
    int64_t ContinueAt() const;

    Options options_;
    bool started_ = false;
    bool rebase_ = false;
    int64_t offset_ = 0;
    int64_t max_out_dts_ = 0;
    int64_t max_out_pts_ = 0;
    std::array<int64_t, 2> last_dts_{{INT64_MIN, INT64_MIN}};
    // The track's last natural DTS step: what a re-stamped packet moves by.
    // Until one is seen: 1/30 s for video, 1024 samples at 48 kHz for audio.
    static constexpr int64_t kMinStep = 90;    // 1 ms
    static constexpr int64_t kMaxStep = 9000;  // 100 ms
    std::array<int64_t, 2> last_step_{{3000, 1920}};
};

}  // namespace onair::media
