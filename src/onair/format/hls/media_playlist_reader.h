// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <string_view>

#include "onair/base/result.h"
#include "onair/format/hls/media_playlist.h"

namespace onair::format::hls {

/// Limits on a media playlist from an untrusted source (an origin seen by
/// an edge, a playlist under test).
struct MediaPlaylistLimits {
    size_t max_bytes = 1u << 20;
    size_t max_segments = 10000;
    size_t max_uri_bytes = 4096;  // a URI line or a quoted URI attribute
    size_t max_parts_per_segment = 1000;  // EXT-X-PART tags of one segment
    size_t max_parts = 20000;             // EXT-X-PART tags in all
    size_t max_preload_hints = 8;
    size_t max_rendition_reports = 64;
};

/// Parses a media playlist (draft-pantos-hls-rfc8216bis 4.4.3 to 4.4.5, the
/// tags MediaPlaylist models), full or a Playlist Delta Update.
///
///  - The first line must be #EXTM3U; lines end in LF or CRLF; a byte order
///    mark is rejected (4.1).
///  - EXT-X-TARGETDURATION is required; the playlist tags may appear once.
///  - EXTINF takes a decimal integer or decimal floating point (rounded to
///    the 90 kHz clock), with or without the title after the comma.
///  - EXT-X-DISCONTINUITY, EXT-X-MAP, EXT-X-PROGRAM-DATE-TIME and EXT-X-PART
///    apply to the next URI; when no URI follows, they make the open
///    segment. URI lines and quoted URIs may not hold control characters
///    or '"'.
///  - Attribute lists (4.2) must be well formed: a repeated attribute, a
///    missing required one (URI, DURATION, PART-TARGET, SKIPPED-SEGMENTS,
///    TYPE), a malformed number or a YES-only attribute with another value
///    is kInvalidData; unknown attributes are ignored. EXT-X-SKIP must come
///    before the first segment; EXT-X-SERVER-CONTROL, EXT-X-PART-INF and
///    EXT-X-SKIP may appear once.
///  - Unknown tags and comments are ignored, as clients must (6.3.1);
///    variant tags (EXT-X-STREAM-INF, EXT-X-MEDIA...) mean the text is a
///    multivariant playlist: kInvalidData.
///
/// Errors: kInvalidData (the message names the line), kLimitExceeded.
base::Result<MediaPlaylist> ReadMediaPlaylist(std::string_view text, const MediaPlaylistLimits& limits = {});

}  // namespace onair::format::hls
