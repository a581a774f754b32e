// SPDX-License-Identifier: Apache-2.0
#pragma once
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

}  // namespace onair::base
