// SPDX-License-Identifier: Apache-2.0
// Resolves arbitrary bytes as a Range header against a size taken from the
// input's first 8 bytes, and as If-None-Match / If-Range values: a range
// must lie inside the representation, over the limit nothing is served,
// and a tag always matches itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "onair/base/byte_range.h"
#include "onair/base/entity_tag.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace onair::base;
    uint64_t length = 0;
    if (size >= 8) {
        std::memcpy(&length, data, 8);
        data += 8;
        size -= 8;
        if (length & 1) length %= 4096;  // small sizes too, where clamping happens
    }
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const RangeRequest r = ResolveRange(text, length);
    if (r.kind == RangeRequest::Kind::kPartial) {
        if (r.range.first > r.range.last || r.range.last >= length) std::abort();
        if (r.range.length() == 0 || r.range.length() > length) std::abort();
    }
    if (text.size() > RangeLimits{}.max_header_bytes && r.kind != RangeRequest::Kind::kWhole) std::abort();
    if (r.kind != RangeRequest::Kind::kWhole && text.find('=') == std::string_view::npos) std::abort();

    // If-None-Match and If-Range against a tag cut from the input.
    const size_t cut = size / 2;
    const std::string_view tag = text.substr(0, cut);
    const std::string_view header = text.substr(cut);
    (void)IfNoneMatchMatches(header, tag);
    if (IfRangeMatches(header, tag) && !IfNoneMatchMatches(header, tag)) std::abort();
    const std::string quoted = "\"" + std::string(tag.substr(0, tag.find('"'))) + "\"";
    if (!IfRangeMatches(quoted, quoted) || !IfNoneMatchMatches(quoted, quoted)) std::abort();
    if (!IfNoneMatchMatches("W/" + quoted, quoted)) std::abort();
    return 0;
}
