// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace onair::format::hls {

/// One media segment of a media playlist (RFC 8216 4.3.2).
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

    bool operator==(const MediaSegment&) const = default;
};

enum class PlaylistType : uint8_t { kEvent, kVod };

/// A media playlist (RFC 8216 4.3.3, draft-pantos-hls-rfc8216bis).
struct MediaPlaylist {
    int version = 3;
    int64_t target_duration_seconds = 0;  // EXT-X-TARGETDURATION
    uint64_t media_sequence = 0;          // of the first segment
    uint64_t discontinuity_sequence = 0;  // written when > 0
    std::optional<PlaylistType> playlist_type;
    bool independent_segments = false;
    bool ended = false;  // EXT-X-ENDLIST
    std::vector<MediaSegment> segments;

    bool operator==(const MediaPlaylist&) const = default;
};

/// Writes the playlist text (lines end in "\n"). EXTINF has three decimals
/// (milliseconds, rounded) from version 3 on and is a rounded integer
/// before; EXT-X-PROGRAM-DATE-TIME is UTC with milliseconds. Characters a
/// URI line cannot hold (CR, LF, '"') are dropped.
std::string WriteMediaPlaylist(const MediaPlaylist& playlist);

}  // namespace onair::format::hls
