// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace onair::format::hls {

/// Section numbers below are those of draft-pantos-hls-rfc8216bis (the
/// second edition of RFC 8216; -16 and later number them the same way).
/// Durations are 90 kHz ticks throughout.

/// A sub-range of a resource: "<length>[@<offset>]" (4.4.4.2). Without an
/// offset it starts right after the previous range of the same resource.
struct ByteRange {
    uint64_t length = 0;
    std::optional<uint64_t> offset;

    bool operator==(const ByteRange&) const = default;
};

/// EXT-X-PART (4.4.4.9): one Partial Segment of a Parent Segment.
struct PartialSegment {
    int64_t duration = 0;  // 90 kHz ticks; DURATION, written with 5 decimals
    std::string uri;
    bool independent = false;  // INDEPENDENT=YES: starts with an independent frame
    std::optional<ByteRange> byterange;  // BYTERANGE="<n>[@<o>]"
    bool gap = false;                    // GAP=YES: not available

    bool operator==(const PartialSegment&) const = default;
};

/// One media segment of a media playlist (4.4.4).
struct MediaSegment {
    int64_t duration = 0;  // 90 kHz ticks (EXTINF)
    std::string uri;
    bool discontinuity = false;  // EXT-X-DISCONTINUITY before it
    /// EXT-X-PROGRAM-DATE-TIME: milliseconds since 1970-01-01T00:00:00Z of
    /// its first sample.
    std::optional<int64_t> program_date_time_ms;
    /// EXT-X-MAP:URI before it (fMP4: the init segment it and the segments
    /// after it need; written again where it changes).
    std::string map_uri;
    /// Its Partial Segments (LL-HLS), in order. Written after the tags
    /// above and before EXTINF (4.4.4.9: tags applied to the Parent Segment
    /// "MUST appear before the first EXT-X-PART tag").
    std::vector<PartialSegment> parts;

    bool operator==(const MediaSegment&) const = default;
};

enum class PlaylistType : uint8_t { kEvent, kVod };

/// EXT-X-SERVER-CONTROL (4.4.3.8); written when any attribute is set, in the
/// order CAN-SKIP-UNTIL, CAN-SKIP-DATERANGES, HOLD-BACK, PART-HOLD-BACK,
/// CAN-BLOCK-RELOAD.
struct ServerControl {
    /// The Skip Boundary: the server makes Playlist Delta Updates
    /// (6.2.5.1). MUST be at least six times the Target Duration.
    std::optional<int64_t> can_skip_until;
    bool can_skip_dateranges = false;  // needs can_skip_until
    /// MUST be at least three times the Target Duration (its absence means
    /// three times).
    std::optional<int64_t> hold_back;
    /// REQUIRED with EXT-X-PART-INF; MUST be at least twice the Part Target
    /// Duration, SHOULD be three times.
    std::optional<int64_t> part_hold_back;
    bool can_block_reload = false;  // Blocking Playlist Reload (6.2.5.2)

    bool empty() const {
        return !can_skip_until && !can_skip_dateranges && !hold_back && !part_hold_back && !can_block_reload;
    }
    bool operator==(const ServerControl&) const = default;
};

enum class PreloadHintType : uint8_t { kPart, kMap };

/// EXT-X-PRELOAD-HINT (4.4.5.3): a resource a client may request before it
/// exists (the server holds the request until it does).
struct PreloadHint {
    PreloadHintType type = PreloadHintType::kPart;
    std::string uri;  // MUST be the URI the resource will be listed under
    uint64_t byterange_start = 0;             // written when > 0
    std::optional<uint64_t> byterange_length;  // absent: to the end of the resource

    bool operator==(const PreloadHint&) const = default;
};

/// EXT-X-RENDITION-REPORT (4.4.5.4): how far another rendition is.
struct RenditionReport {
    std::string uri;  // relative to this playlist
    /// LAST-MSN: its last segment, or the segment of its last part when it
    /// has parts. The draft lets a server omit an attribute equal to this
    /// playlist's own value, hence optional.
    std::optional<uint64_t> last_msn;
    std::optional<uint64_t> last_part;  // LAST-PART: index of its last part in LAST-MSN

    bool operator==(const RenditionReport&) const = default;
};

/// A media playlist (4.4.3, 4.4.4, 4.4.5), full or a Playlist Delta Update.
///
/// Written in this order: EXTM3U, VERSION, TARGETDURATION, SERVER-CONTROL,
/// PART-INF, MEDIA-SEQUENCE, DISCONTINUITY-SEQUENCE, PLAYLIST-TYPE,
/// INDEPENDENT-SEGMENTS, SKIP, the segments, the open segment, ENDLIST,
/// PRELOAD-HINTs, RENDITION-REPORTs. A playlist without the LL-HLS fields
/// is written exactly as before they existed.
struct MediaPlaylist {
    /// Written as is: RequiredVersion() says what the content needs (the
    /// packager sets it; DeltaOf raises it for EXT-X-SKIP).
    int version = 3;
    int64_t target_duration_seconds = 0;  // EXT-X-TARGETDURATION
    /// Of the first segment; in a delta update, of the first skipped one
    /// (EXT-X-MEDIA-SEQUENCE keeps its value, 6.2.5.1).
    uint64_t media_sequence = 0;
    uint64_t discontinuity_sequence = 0;  // written when > 0
    std::optional<PlaylistType> playlist_type;
    bool independent_segments = false;
    bool ended = false;  // EXT-X-ENDLIST

    ServerControl server_control;
    /// EXT-X-PART-INF:PART-TARGET (4.4.3.7), ticks, written with 5
    /// decimals rounded to the nearest 10 us: a part no longer than it in
    /// ticks is no longer than it in the text either.
    std::optional<int64_t> part_target;

    /// EXT-X-SKIP:SKIPPED-SEGMENTS (4.4.5.2): how many segments before
    /// `segments` a delta update leaves out (0: a full playlist, no tag).
    /// The Media Sequence Number of segments[i] is
    /// media_sequence + skipped_segments + i.
    uint64_t skipped_segments = 0;
    /// EXT-X-SKIP:RECENTLY-REMOVED-DATERANGES, the tab-separated IDs
    /// (_HLS_skip=v2); written only with the EXT-X-SKIP tag.
    std::optional<std::string> recently_removed_dateranges;

    std::vector<MediaSegment> segments;  // complete segments, EXTINF and URI
    /// The segment being produced: its tags (discontinuity, map_uri,
    /// program_date_time_ms) and its parts so far, written after the last
    /// complete segment with neither EXTINF nor URI. Its `duration` and
    /// `uri` are not written (keep them 0 and empty); its Media Sequence
    /// Number follows the last segment's. The reader leaves it empty when
    /// nothing follows the last URI line.
    std::optional<MediaSegment> open_segment;
    std::vector<PreloadHint> preload_hints;
    std::vector<RenditionReport> rendition_reports;

    /// Media Sequence Number of the first segment after any skipped ones.
    uint64_t FirstListedSequence() const { return media_sequence + skipped_segments; }
    /// Media Sequence Number the open segment has (or the next segment will
    /// have).
    uint64_t NextSequence() const { return FirstListedSequence() + segments.size(); }

    bool operator==(const MediaPlaylist&) const = default;
};

/// Writes the playlist text (lines end in "\n"). EXTINF has three decimals
/// (milliseconds, rounded) from version 3 on and is a rounded integer
/// before; EXT-X-PART DURATION, PART-TARGET and the SERVER-CONTROL times
/// have five (so the reader gives back the same ticks); EXT-X-PROGRAM-DATE-
/// TIME is UTC with milliseconds. Characters a URI line or quoted-string
/// cannot hold (CR, LF, '"') are dropped.
std::string WriteMediaPlaylist(const MediaPlaylist& playlist);

/// The lowest EXT-X-VERSION the content needs (section 8): 6 with EXT-X-MAP,
/// 9 with EXT-X-SKIP, 10 with an EXT-X-SKIP that skips date ranges
/// (RECENTLY-REMOVED-DATERANGES), else 3 when an EXTINF is not whole
/// seconds (decimal EXTINF, 4.4.4.1), else 1.
/// EXT-X-PART, PART-INF, SERVER-CONTROL, PRELOAD-HINT and RENDITION-REPORT
/// have no version requirement: older clients ignore them.
int RequiredVersion(const MediaPlaylist& playlist);

/// How many leading segments a Playlist Delta Update of `playlist` may
/// replace with EXT-X-SKIP (6.2.5.1): those that end at least CAN-SKIP-UNTIL
/// (the Skip Boundary) before the end of the last complete segment. 0
/// without CAN-SKIP-UNTIL or for a playlist that is already a delta.
/// Segments with EXT-X-DISCONTINUITY may be skipped: the delta keeps
/// EXT-X-DISCONTINUITY-SEQUENCE unchanged (4.4.5.2) and the client has them.
uint64_t SkippableSegments(const MediaPlaylist& playlist);

/// The Playlist Delta Update of a full playlist, for a request with
/// _HLS_skip=YES (or v2: `skip_dateranges`, which writes an empty
/// RECENTLY-REMOVED-DATERANGES; this model holds no date ranges). The first
/// SkippableSegments() segments go; the first kept one gets the EXT-X-MAP
/// that applied to it when the skipped ones carried it; version rises to
/// RequiredVersion(). With nothing to skip it is the full playlist.
MediaPlaylist DeltaOf(const MediaPlaylist& full, bool skip_dateranges = false);

}  // namespace onair::format::hls
