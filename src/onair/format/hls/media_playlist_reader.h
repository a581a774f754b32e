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
    size_t max_uri_bytes = 4096;
};

/// Parses a media playlist (RFC 8216 4.3.3 / 4.3.2, the tags
/// MediaPlaylist models).
///
///  - The first line must be #EXTM3U; lines end in LF or CRLF; a byte order
///    mark is rejected (4.1).
///  - EXT-X-TARGETDURATION is required; the playlist tags may appear once.
///  - EXTINF takes a decimal integer or decimal floating point (rounded to
///    the 90 kHz clock), with or without the title after the comma.
///  - EXT-X-DISCONTINUITY and EXT-X-PROGRAM-DATE-TIME apply to the next URI.
///    URI lines may not hold control characters or '"'.
///  - Unknown tags and comments are ignored, as clients must (6.3.1);
///    variant tags (EXT-X-STREAM-INF, EXT-X-MEDIA...) mean the text is a
///    multivariant playlist: kInvalidData.
///
/// Errors: kInvalidData (the message names the line), kLimitExceeded.
base::Result<MediaPlaylist> ReadMediaPlaylist(std::string_view text, const MediaPlaylistLimits& limits = {});

}  // namespace onair::format::hls
