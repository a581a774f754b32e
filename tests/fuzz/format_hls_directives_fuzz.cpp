// SPDX-License-Identifier: Apache-2.0
// Parses arbitrary bytes as a playlist request's query string: whatever
// parses must give a canonical query that parses back to the same
// directives and is its own canonical form; the blocking answer against a
// small playlist never crashes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "onair/format/hls/delivery_directives.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace onair::format::hls;
    const std::string_view query(reinterpret_cast<const char*>(data), size);
    auto d = ParseDeliveryDirectives(query);
    if (!d.ok()) return 0;
    if (d->part && !d->msn) std::abort();
    const std::string canonical = CanonicalDirectiveQuery(*d);
    auto again = ParseDeliveryDirectives(canonical);
    if (!again.ok() || !(*again == *d) || CanonicalDirectiveQuery(*again) != canonical) std::abort();
    MediaPlaylist p;
    p.target_duration_seconds = 2;
    p.media_sequence = 5;
    p.part_target = 30000;
    p.segments.resize(2);
    p.open_segment = MediaSegment();
    p.open_segment->parts.resize(2);
    (void)AnswerBlockingRequest(*d, p);
    return 0;
}
