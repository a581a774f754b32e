// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "onair/base/result.h"
#include "onair/format/hls/media_playlist.h"

namespace onair::format::hls {

/// Delivery Directives (draft-pantos-hls-rfc8216bis 6.2.5): the query
/// parameters a Low-Latency HLS client adds to a media playlist request.

enum class SkipRequest : uint8_t {
    kNone,
    kYes,  // _HLS_skip=YES: skip segments (6.2.5.1)
    kV2,   // _HLS_skip=v2: skip segments and date ranges
};

struct DeliveryDirectives {
    /// _HLS_msn=<M>: block until the playlist holds segment M (or, with
    /// `part`, part N of segment M) (6.2.5.2).
    std::optional<uint64_t> msn;
    std::optional<uint64_t> part;  // _HLS_part=<N>; only with msn
    SkipRequest skip = SkipRequest::kNone;

    bool Blocking() const { return msn.has_value(); }
    bool operator==(const DeliveryDirectives&) const = default;
};

/// Limits on the query string: it comes from any client.
struct DirectiveLimits {
    size_t max_query_bytes = 4096;
    size_t max_parameters = 64;
};

/// Parses a query string ("a=1&_HLS_msn=273&_HLS_part=2", without the
/// '?'). Values are decimal-integers (4.2: 1 to 20 digits, 0..2^64-1) and
/// YES or v2; directive names and values are matched as they are, without
/// percent-decoding (a client never encodes them). Parameters that are not
/// directives (including other _HLS_ names) are ignored; empty pieces
/// ("a&&b") are skipped.
///
/// Errors (kInvalidData, to answer 400 Bad Request; the message names the
/// parameter): a malformed value, a directive given twice, _HLS_part
/// without _HLS_msn (6.2.5.2 forbids it). kLimitExceeded: a query longer
/// than max_query_bytes or with more than max_parameters parameters.
base::Result<DeliveryDirectives> ParseDeliveryDirectives(std::string_view query, const DirectiveLimits& limits = {});

/// The query string of the directives in one fixed order (_HLS_msn,
/// _HLS_part, _HLS_skip: the order the draft lists them and hls.js sends
/// them),
/// every other parameter dropped: "" without directives, else
/// "_HLS_msn=273&_HLS_part=2&_HLS_skip=YES". Requests for the same
/// playlist with the same key get the same response, so an edge and the
/// load balancer can cache and coalesce by path + "?" + key.
std::string CanonicalDirectiveQuery(const DeliveryDirectives& directives);

/// The cache key of a playlist request: `path`, plus "?" and the canonical
/// directive query when there are directives.
std::string PlaylistCacheKey(std::string_view path, const DeliveryDirectives& directives);

/// What a blocking request (6.2.5.2) gets from the playlist as it is now.
enum class BlockingAnswer : uint8_t {
    kReady,   // answer now: the playlist holds segment M (part N of M, or later)
    kWait,    // hold the request until the playlist changes
    kTooFar,  // answer 400 at once: M is beyond the last segment + 2, or N
              // beyond the last part by the Advance Part Limit
};

/// For `directives` (Blocking() or not) against the current full playlist:
/// segment M is there once NextSequence() > M (complete) or, with _HLS_part,
/// once the open segment M has part N. An ended playlist is always kReady.
/// The Advance Part Limit is 3 / PART-TARGET (rounded up) when PART-TARGET
/// is below a second, else 3: how many parts past the last listed one
/// (counting on into the next segment from its part 0) a request may ask.
BlockingAnswer AnswerBlockingRequest(const DeliveryDirectives& directives, const MediaPlaylist& playlist);

}  // namespace onair::format::hls
