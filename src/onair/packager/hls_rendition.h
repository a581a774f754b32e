// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "onair/base/shared_buffer.h"
#include "onair/format/hls/media_playlist.h"
#include "onair/format/hls/multivariant_playlist.h"
#include "onair/format/mpegts/muxer.h"
#include "onair/media/packet.h"
#include "onair/packager/segment_writer.h"

namespace onair::packager {

/// One live HLS rendition in memory: segments cut where the packets say
/// (media::Packet::segment_start, stamped upstream by Segmenter), muxed by a
/// SegmentWriter (MPEG-TS, or fMP4/CMAF: Options::container), kept in a
/// sliding window and listed in a media playlist.
///
///  - A packet with segment_start >= 0 completes the open segment (its
///    duration is this packet's DTS minus the open segment's first DTS) and
///    opens segment number `segment_start`: the media sequence number is
///    the stamped number, not a counter of ours, so every packager agrees.
///    Packets before the first stamped start are dropped. A stamp not above
///    the last one is ignored (the packet joins the open segment). A gap in
///    the numbers (segments lost upstream) cannot be listed, since a
///    playlist numbers its segments consecutively: the window restarts at
///    the new number, behind an EXT-X-DISCONTINUITY, and the old segments
///    stay fetchable as grace.
///  - EndOfStream() completes the open segment (duration: last DTS minus
///    first DTS plus one frame, estimated from the last DTS step within the
///    segment, so that it depends on the segment alone) and adds
///    EXT-X-ENDLIST.
///  - The playlist lists the last `window_segments` complete segments as
///    "<sequence>.<ext>"; the `grace_segments` before them are no longer
///    listed but still served (a player may have just read an older
///    playlist), then freed. Memory is bounded by (window + grace + 1)
///    segments of at most `max_segment_bytes` each; packets that would grow
///    a segment past that are dropped (counted) until the next segment.
///  - A segment whose first packet has `discontinuity` (takeover,
///    republish) gets EXT-X-DISCONTINUITY. EXT-X-DISCONTINUITY-SEQUENCE is
///    the first listed segment's media::Packet::discontinuity_sequence,
///    stamped upstream: the discontinuities of the whole broadcast before
///    it, including those this rendition never saw (plus any window
///    restart of this rendition's own that slid out, which no other
///    packager knows of). Codec configs are applied at segment starts when
///    the tracks change (a new PMT); a new avcC for the same tracks applies
///    at once.
///  - EXT-X-PROGRAM-DATE-TIME of each segment is its first packet's
///    media::Packet::wallclock_ms (stamped at ingest, so the same on every
///    packager); none when that is 0.
///  - EXT-X-TARGETDURATION starts at ceil(target_duration) seconds and
///    grows, never shrinks, when a segment's EXTINF rounded to the nearest
///    second exceeds it (RFC 8216 4.3.3.1), e.g. to 8 for OBS's default
///    8.3 s keyframe interval (8.333 rounds to 8; 8.5 would give 9). It
///    never shrinks, even after the long segment slides out: players size
///    their reload timers and buffers by it. The segments it covers are
///    those of the broadcast, not only those this rendition saw: each
///    segment start carries the longest earlier segment
///    (media::Packet::longest_segment), so a rendition that started late
///    agrees with one that saw the long segment.
///  - fMP4: segments "<sequence>.m4s" and the playlist at version 6
///    (RFC 8216 section 7: EXT-X-MAP in a playlist without
///    EXT-X-I-FRAMES-ONLY needs version 6 or greater), with
///    EXT-X-MAP:URI="<prefix>init-<id>.mp4" before the first listed segment
///    and again before any segment whose init segment differs from the
///    previous one's. <id> is InitSegmentId() of the init's bytes, so every
///    packager names the same init the same; a codec change (any new
///    config: the avcC is in the init) applies at the next segment start,
///    with a new init and a new id. InitSegment() serves the inits the
///    listed, grace and open segments need.
///  - LL-HLS (Options::part_target > 0; fMP4 only, the option is ignored
///    for MPEG-TS): each segment is cut into parts as its packets come,
///    served at "<prefix><sequence>.<part>.m4s" (part 0 the first) while
///    the segment stays at "<prefix><sequence>.m4s", the concatenation of
///    its parts. See "Parts" below.
///
/// Parts. PART-TARGET (PT) is Options::part_target as given: it is a
/// maximum (a part MUST NOT be longer), and the same on every packager.
/// A part's duration is the DTS of the packet that starts the next part (or
/// the next segment) minus the DTS of its own first packet, so it is only
/// known when that packet comes; to stay within PT without waiting, a part
/// ends right before the first packet of the cutting track (video when the
/// segment has video, else audio; parts start where a video frame does, so
/// their boundaries increase with the segments') whose DTS is above the
/// part's start + PT - M, M the largest DTS step between consecutive
/// packets of that track in the segment so far, at most 15% of PT (and
/// that until a step is seen). The next packet then lands at most M later,
/// so the part lasts at most PT, and at least 85% of PT (the draft's lower
/// bound for a part that is not its segment's last). Only a step larger than
/// every earlier one of the segment (a gap, or video under ~20 fps) can
/// give a longer part: counted in Stats::parts_over_target. Everything here
/// is a function of the segment's own packets in order, so every packager,
/// even one that started later, cuts the same parts.
///  - A part is INDEPENDENT=YES when its first video sample is a keyframe
///    (every part when there is no video). A part whose packets were all
///    refused (writer errors, an oversize segment) is listed GAP=YES.
///  - Chunks: each part is written as CMAF chunks (moof + mdat), one closed
///    after the cutting track's packet that makes the chunk span about a
///    third of PT (its DTS + M >= the chunk's first DTS + PT / 3), so
///    PartInProgress() gives a growing prefix of the part while it is
///    written and a server can stream the preload-hinted part. The cost is
///    a moof per chunk: measured on the test sample (25 fps + AAC, PT =
///    1/3 s), 9.4 chunks/s and 11.5 kbit/s more than one fragment per
///    segment, 0.4% of a 3 Mbit/s rendition, 3% of a 400 kbit/s one.
///  - Bytes: one SegmentBuffer per segment; parts, chunks so far and the
///    segment are slices of it (no copy of the media after muxing); when the
///    segment completes its parts are re-taken from its final buffer.
///  - The playlist (version 9: EXT-X-MAP needs 6, and CAN-SKIP-UNTIL is
///    advertised, whose EXT-X-SKIP needs 9, so full and delta playlists have
///    the same version): EXT-X-PART-INF:PART-TARGET=PT, EXT-X-SERVER-CONTROL
///    with CAN-BLOCK-RELOAD=YES, PART-HOLD-BACK = 3 PT (the draft's SHOULD)
///    and CAN-SKIP-UNTIL = 6 target durations (the minimum; a caller makes
///    delta updates with format::hls::DeltaOf), the parts of the complete
///    segments that end within 3 target durations of the playlist's end
///    (6.2.2: older parts SHOULD go), the open segment with its complete
///    parts (when it has one), and EXT-X-PRELOAD-HINT TYPE=PART naming the
///    part in progress, which always completes under that name (unless all
///    its packets are refused: then it is a GAP part and is not served).
///    EXT-X-RENDITION-REPORT: the caller adds the other renditions'
///    LastPart() to the model.
///
/// Not thread-safe: the caller (server::hls::HlsChannel) holds a lock.
class HlsRendition {
public:
    enum class Container : uint8_t { kMpegTs, kFmp4 };
    struct Options {
        Container container = Container::kMpegTs;
        size_t window_segments = 6;                       // at least 1
        int64_t target_duration = 2 * media::kTimescale;  // 90 kHz
        size_t grace_segments = 2;
        size_t max_segment_bytes = size_t{64} << 20;
        format::mpegts::MuxerOptions ts;
        /// LL-HLS: the Part Target Duration, 90 kHz (0: no parts; ignored for
        /// MPEG-TS). 1/3 s is 30000: 8 frames at 24 fps, 10 at 30, 20 at 60
        /// fit it exactly (0.333 s, 29970, would make 30 fps parts 9 frames).
        int64_t part_target = 0;
        /// Put before "<sequence>.<ext>" in segment URIs. A per-broadcast
        /// prefix keeps URIs unique across broadcasts of one channel, so an
        /// immutable cached segment of an earlier broadcast is never served.
        std::string uri_prefix;
    };
    struct Stats {
        uint64_t segments = 0;              // completed
        uint64_t packets = 0;               // written into segments
        uint64_t dropped_before_start = 0;  // before the first stamped start
        uint64_t dropped_oversize = 0;      // over max_segment_bytes
        uint64_t write_errors = 0;          // refused by the writer (bad AU, no such track)
        uint64_t config_errors = 0;         // configs the writer could not use
        uint64_t ignored_stamps = 0;        // segment_start not above the last
        uint64_t sequence_gaps = 0;         // window restarts
        uint64_t parts = 0;                 // completed (LL-HLS)
        uint64_t chunks = 0;                // CMAF chunks written (LL-HLS)
        uint64_t gap_parts = 0;             // parts without bytes (GAP=YES)
        uint64_t parts_over_target = 0;     // longer than PART-TARGET
    };
    /// The part being written (LL-HLS): segment `msn`, part `index`, its
    /// bytes so far (complete chunks: a prefix of the part's final bytes).
    struct OpenPart {
        uint64_t msn = 0;
        uint32_t index = 0;
        base::SharedBuffer bytes_so_far;
    };
    /// The last part (or segment) listed, for EXT-X-RENDITION-REPORT.
    struct PartPosition {
        uint64_t msn = 0;
        std::optional<uint32_t> part;  // none: the segment has no listed parts
    };

    /// Segments of options.container.
    explicit HlsRendition(const Options& options);
    /// Segments from `writer` (another container; tests).
    HlsRendition(const Options& options, std::unique_ptr<SegmentWriter> writer);

    HlsRendition(const HlsRendition&) = delete;
    HlsRendition& operator=(const HlsRendition&) = delete;

    /// The tracks of the stream (std::nullopt: no such track).
    void SetConfigs(std::optional<media::CodecConfig> video, std::optional<media::CodecConfig> audio);
    /// One packet.
    void Push(const media::Packet& packet);
    /// The broadcast ended: completes the open segment; the playlist ends.
    void EndOfStream();

    /// A complete segment is listed (the rendition is playable).
    bool has_segments() const { return !window_.empty(); }
    bool ended() const { return ended_; }
    /// Bits/s: the highest of the listed segments, and all of them together.
    uint64_t peak_bitrate() const;
    uint64_t average_bitrate() const;
    /// This rendition's EXT-X-STREAM-INF, its URI left to the caller. A
    /// function of the listed segments, like the media playlist, so every
    /// packager that lists the same segments writes the same: BANDWIDTH and
    /// AVERAGE-BANDWIDTH as above; RESOLUTION and CODECS of the configs the
    /// last listed segment was written with; FRAME-RATE the video frames of
    /// the listed segments over their duration (leaving out the last one of
    /// an ended stream when there are others: its duration is estimated).
    format::hls::Variant VariantModel() const;

    /// The media playlist (text, and the model it is written from).
    std::string Playlist() const;
    format::hls::MediaPlaylist PlaylistModel() const;
    /// A listed or grace segment's bytes; std::nullopt otherwise.
    std::optional<base::SharedBuffer> Segment(uint64_t sequence) const;
    /// LL-HLS: part `part` of segment `sequence` once complete (of the open,
    /// a listed or a grace segment); std::nullopt otherwise (also for GAP
    /// parts).
    std::optional<base::SharedBuffer> Part(uint64_t sequence, uint32_t part) const;
    /// LL-HLS: the part in progress, the one EXT-X-PRELOAD-HINT names;
    /// std::nullopt without parts, before the first segment or once ended.
    /// Its bytes grow with each chunk (poll after Push); once the part
    /// completes Part() has it, and the bytes given here are its prefix.
    std::optional<OpenPart> PartInProgress() const;
    /// The last listed part (the open segment's, else the last complete
    /// segment's) or, without parts, the last segment; std::nullopt before
    /// any is listed. For the other renditions' EXT-X-RENDITION-REPORT
    /// (LAST-MSN, LAST-PART).
    std::optional<PartPosition> LastPart() const;
    bool low_latency() const { return low_latency_; }

    /// The init segment named `id` (see InitSegmentId) if a listed, grace or
    /// open segment needs it; std::nullopt otherwise (and always for TS).
    std::optional<base::SharedBuffer> InitSegment(std::string_view id) const;
    /// An init segment's name in URIs: 16 hex digits of the 64-bit FNV-1a
    /// of its bytes.
    static std::string InitSegmentId(const base::SharedBuffer& init);

    /// Changes whenever Playlist(), PlaylistModel() or VariantModel() may
    /// have changed (a segment or part opened, completed or the stream
    /// ended; a chunk does not change it), so a
    /// caller can keep the text it wrote until then.
    uint64_t version() const { return version_; }

    const Stats& stats() const { return stats_; }
    int64_t target_duration_seconds() const { return target_seconds_; }

private:
    /// The configs a segment was written with, and its init segment (fMP4).
    struct Tracks {
        std::optional<media::CodecConfig> video;
        std::optional<media::CodecConfig> audio;
        std::optional<base::SharedBuffer> init;
        std::string init_id;  // InitSegmentId(*init); empty without one
    };
    struct SegmentPart {
        int64_t start_dts = 0;
        int64_t duration = 0;  // 90 kHz
        bool independent = false;
        base::SharedBuffer data;  // empty: GAP
    };
    struct CompleteSegment {
        uint64_t sequence = 0;
        int64_t duration = 0;  // 90 kHz
        bool discontinuity = false;
        uint64_t discontinuity_sequence = 0;  // discontinuities before it
        int64_t wallclock_ms = 0;
        uint64_t video_frames = 0;
        bool estimated = false;  // duration: completed by EndOfStream
        std::shared_ptr<const Tracks> tracks;
        base::SharedBuffer data;
        std::vector<SegmentPart> parts;  // LL-HLS: slices of data
    };
    struct OpenSegment {
        uint64_t sequence = 0;
        int64_t start_dts = 0;
        int64_t end_dts = 0;  // highest DTS written
        bool discontinuity = false;
        uint64_t discontinuity_sequence = 0;
        int64_t wallclock_ms = 0;
        uint64_t video_frames = 0;
        std::shared_ptr<const Tracks> tracks;
        bool oversize = false;
        // LL-HLS: the complete parts and the one in progress.
        std::vector<SegmentPart> parts;
        int64_t part_start_dts = 0;
        std::optional<bool> part_independent;  // set by its first cutting-track packet
        base::SharedBuffer part_so_far;
        std::optional<int64_t> chunk_start_dts;  // first cutting-track DTS of the chunk
        std::optional<int64_t> last_cut_dts;     // last cutting-track DTS
        int64_t max_cut_step = 0;                // largest step between them
    };

    void Open(const media::Packet& packet, uint64_t sequence, bool discontinuity);
    /// Gives the writer video_ and audio_ (for the open segment, if any).
    void ConfigureWriter();
    void Complete(int64_t duration, bool estimated = false);
    void SlideOut(CompleteSegment&& segment);
    void TrimGrace();
    void NoteFrame(const media::Packet& packet);
    /// LL-HLS: the packet's track is the one parts are cut on.
    bool CutsParts(const media::Packet& packet) const;
    /// LL-HLS: M in the class comment.
    int64_t StepMargin() const;
    /// LL-HLS: before writing `packet`, ends the part in progress if it is
    /// due; after, notes the step and closes a chunk if it is due.
    void BeforeWrite(const media::Packet& packet);
    void AfterWrite(const media::Packet& packet, bool written);
    /// Ends the part in progress at `end_dts`.
    void ClosePart(int64_t end_dts);
    /// Adds the parts, the open segment, server control and the hint.
    void AddLowLatency(format::hls::MediaPlaylist& p, const std::string* last_map) const;
    std::string PartUri(uint64_t sequence, size_t part) const;
    int64_t FrameEstimate() const;

    const Options options_;
    std::unique_ptr<SegmentWriter> writer_;
    const bool low_latency_;  // part_target > 0 and the writer has chunks
    std::optional<media::CodecConfig> video_;
    std::optional<media::CodecConfig> audio_;
    bool configs_pending_ = true;
    std::shared_ptr<const Tracks> tracks_;  // as last given to the writer

    std::optional<OpenSegment> open_;
    std::deque<CompleteSegment> window_;  // listed
    std::deque<CompleteSegment> grace_;   // slid out, still served
    std::optional<uint64_t> last_sequence_;
    // Discontinuities of our own (window restarts where the broadcast has
    // none), which the upstream stamps do not count.
    uint64_t own_discontinuities_ = 0;
    int64_t target_seconds_ = 1;
    bool ended_ = false;
    uint64_t version_ = 0;

    // Frame duration estimates (last positive DTS step per track, in the
    // open segment).
    std::optional<int64_t> last_video_dts_;
    std::optional<int64_t> last_audio_dts_;
    int64_t video_step_ = 0;
    int64_t audio_step_ = 0;

    Stats stats_;
};

}  // namespace onair::packager
