// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <optional>

#include "onair/media/packet.h"

namespace onair::packager {

/// Decides where segments start, once per broadcast, and writes the
/// decision into the packets (media::Packet::segment_start) so that every
/// packager downstream, in this process or behind Kafka, cuts at the same
/// packets with the same numbers. Deterministic: the same packets in the
/// same order give the same stamps; nothing else is read.
///
/// Rules:
///  - With video, segments start at video keyframes only. The first
///    keyframe starts segment 0; a later one starts the next segment when
///    at least `target_duration - jitter_tolerance` has passed (by DTS)
///    since the current segment started, i.e. the cut is at the first
///    keyframe at or after the target, allowing for millisecond rounding of
///    RTMP timestamps. Packets before the first keyframe are not in any
///    segment.
///  - Without video (audio-only), any audio packet may start a segment,
///    under the same duration rule.
///  - A packet with `discontinuity` always starts a new segment. If it
///    cannot start one (a non-keyframe), the flag moves to the next packet
///    that can, which then starts the segment.
///  - Segment numbers increase by one per segment and never restart.
///  - With each start, the broadcast's history a playlist needs, so that
///    packagers need none of their own: `discontinuity_sequence` (earlier
///    segments that start with a discontinuity) and `longest_segment` (the
///    longest earlier segment, from start to start).
///
/// It also measures GOPs (keyframe to keyframe, by DTS): a GOP longer than
/// `target_duration + jitter_tolerance` is reported once, on the keyframe
/// that ends it, so the caller can warn that segments will be longer than
/// the target. GOPs that end at a discontinuity are not measured.
///
/// Not thread-safe (the broadcast holds its lock).
class Segmenter {
public:
    struct Options {
        int64_t target_duration = 2 * media::kTimescale;  // 90 kHz
        /// How much earlier than the target a keyframe may come and still
        /// cut (10 ms): RTMP timestamps are whole milliseconds.
        int64_t jitter_tolerance = media::MsToTicks(10);
    };

    struct StampResult {
        /// The segment number this packet starts, or -1.
        int64_t segment = -1;
        /// A GOP longer than the target ended at this packet.
        bool long_gop = false;
        int64_t gop_duration = 0;  // 90 kHz, when long_gop
    };

    explicit Segmenter(const Options& options);

    /// Whether the stream has a video track. Until it is set, every audio
    /// packet is a possible start point; from then on, video keyframes only.
    void SetHasVideo(bool has_video) { has_video_ = has_video; }
    bool has_video() const { return has_video_; }

    /// Sets `packet.segment_start` (the segment it starts, or -1) with
    /// `discontinuity_sequence` and `longest_segment` (0 when it starts
    /// none), and may move `packet.discontinuity` (see above).
    StampResult Stamp(media::Packet& packet);

    /// Segments started so far (the next segment's number).
    int64_t segments_started() const { return next_segment_; }

private:
    const Options options_;
    bool has_video_ = false;
    int64_t next_segment_ = 0;
    int64_t discontinuities_ = 0;  // segments started with a discontinuity
    int64_t longest_segment_ = 0;
    std::optional<int64_t> segment_start_dts_;
    std::optional<int64_t> last_keyframe_dts_;
    bool pending_discontinuity_ = false;
};

}  // namespace onair::packager
