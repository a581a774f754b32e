// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace onair::base {

/// Bytes [first, last] (inclusive, as in Content-Range) of a representation.
struct ByteRange {
    uint64_t first = 0;
    uint64_t last = 0;
    uint64_t length() const { return last - first + 1; }
    friend bool operator==(const ByteRange&, const ByteRange&) = default;
};

/// What a Range request header asks of a representation of a known size.
struct RangeRequest {
    enum class Kind {
        kWhole,          // no usable Range: send the whole representation (200)
        kPartial,        // one satisfiable range: `range` (206)
        kUnsatisfiable,  // a well-formed range that starts at or past the end (416)
    };
    Kind kind = Kind::kWhole;
    ByteRange range;  // kPartial only: clamped to the representation
    friend bool operator==(const RangeRequest&, const RangeRequest&) = default;
};

struct RangeLimits {
    size_t max_header_bytes = 200;  // a longer Range value is ignored (kWhole)
};

/// Resolves a Range header value (RFC 9110 §14.1.2, §14.2) against a
/// representation of `size` bytes. Only the "bytes" unit (case-insensitive)
/// and exactly one range-spec are served: "bytes=a-b", "bytes=a-" or
/// "bytes=-n", with optional whitespace and empty list elements around
/// commas. A last-pos past the end is clamped to size - 1, a suffix longer
/// than the representation is the whole of it (still a 206).
///
/// Anything else is kWhole, which the RFC allows ("a server MAY ignore the
/// Range header field"): an empty or malformed value, another unit, an
/// int-range whose last-pos is below its first-pos, several ranges (we send
/// no multipart/byteranges), a value over `limits.max_header_bytes`, and a
/// non-zero suffix of an empty representation (satisfiable by the RFC, but
/// there is no byte to name in a Content-Range: the empty whole is sent).
///
/// kUnsatisfiable: first-pos >= size (so every int-range of an empty
/// representation), or a suffix of length 0. Numbers too
/// large for 64 bits saturate, so "bytes=99999999999999999999999-" is
/// unsatisfiable and "bytes=0-99999999999999999999999" the whole range.
RangeRequest ResolveRange(std::string_view header, uint64_t size, const RangeLimits& limits = {});

}  // namespace onair::base
