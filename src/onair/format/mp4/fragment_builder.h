// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "onair/format/mp4/fragment_writer.h"
#include "onair/format/mp4/track.h"
#include "onair/media/packet.h"

namespace onair::format::mp4 {

/// Converts a 90 kHz time, relative to an origin, to `timescale`:
/// round(ticks * timescale / 90000), without overflow. Negative ticks are 0.
uint64_t ToTimescale(int64_t ticks, uint32_t timescale);

/// media::Packets in, one fragment out. Every time is converted from its
/// absolute value (relative to `origin_dts`), never by adding converted
/// durations, so 44.1 kHz audio or 30000/1001 video never drift: fragment N
/// starts at exactly round((dts - origin) * timescale / 90000). A packet
/// before the origin is clamped to it.
///
/// Sample durations come from consecutive decode times; the last sample's
/// from the next packet of its track when the caller knows it (`next_*_dts`
/// of Finish: the first packet of the next fragment), else the previous
/// sample's (also across fragments), else 1024 for AAC and 1/30 s for video.
/// Not thread-safe.
class FragmentBuilder {
public:
    FragmentBuilder(std::span<const Track> tracks, int64_t origin_dts);

    /// Queues a packet on the track of its kind (the first track of that
    /// kind); a packet of a kind without a track is ignored.
    void Add(const media::Packet& packet);
    bool empty() const;

    /// Ends the fragment: the builder is empty again, with its tracks and
    /// origin.
    FragmentBytes Finish(uint32_t sequence_number, std::optional<int64_t> next_video_dts,
                         std::optional<int64_t> next_audio_dts);

    /// The track fragments Finish would write, for callers that keep the
    /// samples (the movie writer's tables); clears like Finish.
    std::vector<TrackFragment> TakeTrackFragments(std::optional<int64_t> next_video_dts,
                                                  std::optional<int64_t> next_audio_dts);

private:
    struct Pending {
        int64_t dts;
        int64_t pts;
        bool sync;
        base::SharedBuffer payload;
    };
    struct TrackState {
        Track track;
        std::vector<Pending> packets;
        std::optional<uint32_t> last_duration;  // of the last sample written
    };
    TrackState* StateOf(media::TrackKind kind);
    TrackFragment Build(TrackState& state, std::optional<int64_t> next_dts);

    std::vector<TrackState> tracks_;
    int64_t origin_dts_ = 0;
};

}  // namespace onair::format::mp4
