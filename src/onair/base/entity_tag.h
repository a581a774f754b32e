// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace onair::base {

/// Entity-tag comparisons of RFC 9110 §8.8.3 for the conditional requests a
/// server evaluates. `etag` is the representation's ETag as sent in the
/// response: `"opaque"` (strong) or `W/"opaque"` (weak).

/// If-None-Match (§13.1.2), weak comparison: true when the value is "*" or
/// lists a tag whose opaque part equals etag's, either of them weak or not.
/// A malformed list matches only up to where it stops being well formed;
/// an empty etag matches nothing but "*".
bool IfNoneMatchMatches(std::string_view if_none_match, std::string_view etag);

/// If-Range (§13.1.5), strong comparison: true when the value is one
/// entity-tag, not weak, equal to etag, and etag is not weak either. An
/// HTTP-date never matches (we send no Last-Modified to compare with), nor
/// does anything malformed: the whole representation is then sent.
bool IfRangeMatches(std::string_view if_range, std::string_view etag);

/// 64-bit FNV-1a of `bytes`: a cheap, stable content hash (not a MAC).
constexpr uint64_t Fnv1a64(std::string_view bytes, uint64_t h = 0xcbf29ce484222325ull) {
    for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ull;
    return h;
}

/// A strong entity-tag made from the bytes themselves (`"` + 16 hex digits
/// of Fnv1a64 + `"`): servers that hold the same bytes send the same tag,
/// so a cache's If-None-Match is answered by any of them.
std::string ContentTag(std::string_view bytes);

}  // namespace onair::base
