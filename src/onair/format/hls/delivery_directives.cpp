// SPDX-License-Identifier: Apache-2.0
#include "onair/format/hls/delivery_directives.h"

#include "onair/format/hls/attribute_list.h"

namespace onair::format::hls {

namespace {

using base::ErrorCode;
using base::MakeError;

base::Error Bad(std::string_view what) { return MakeError(ErrorCode::kInvalidData, std::string(what)); }

}  // namespace

base::Result<DeliveryDirectives> ParseDeliveryDirectives(std::string_view query, const DirectiveLimits& limits) {
    if (query.size() > limits.max_query_bytes)
        return MakeError(ErrorCode::kLimitExceeded, "query longer than " + std::to_string(limits.max_query_bytes) + " bytes");
    DeliveryDirectives d;
    bool have_skip = false;
    size_t parameters = 0;
    size_t pos = 0;
    while (pos <= query.size()) {
        size_t end = query.find('&', pos);
        if (end == std::string_view::npos) end = query.size();
        const std::string_view piece = query.substr(pos, end - pos);
        pos = end + 1;
        if (piece.empty()) continue;
        if (++parameters > limits.max_parameters)
            return MakeError(ErrorCode::kLimitExceeded, "more than " + std::to_string(limits.max_parameters) + " query parameters");
        const size_t eq = piece.find('=');
        const std::string_view name = piece.substr(0, eq);
        const std::string_view value = eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
        const bool has_value = eq != std::string_view::npos;
        if (name == "_HLS_msn" || name == "_HLS_part") {
            std::optional<uint64_t>& slot = name == "_HLS_msn" ? d.msn : d.part;
            if (slot) return Bad(std::string(name) + " given twice");
            const auto v = has_value ? DecimalInteger(value) : std::nullopt;
            if (!v) return Bad(std::string(name) + " is not a decimal-integer");
            slot = *v;
        } else if (name == "_HLS_skip") {
            if (have_skip) return Bad("_HLS_skip given twice");
            if (value == "YES") d.skip = SkipRequest::kYes;
            else if (value == "v2") d.skip = SkipRequest::kV2;
            else return Bad("_HLS_skip is neither YES nor v2");
            have_skip = true;
        }
    }
    if (d.part && !d.msn) return Bad("_HLS_part without _HLS_msn");
    return d;
}

std::string CanonicalDirectiveQuery(const DeliveryDirectives& d) {
    std::string out;
    auto add = [&](std::string_view piece) {
        if (!out.empty()) out.push_back('&');
        out += piece;
    };
    if (d.msn) add("_HLS_msn=" + std::to_string(*d.msn));
    if (d.part) add("_HLS_part=" + std::to_string(*d.part));
    if (d.skip == SkipRequest::kYes) add("_HLS_skip=YES");
    if (d.skip == SkipRequest::kV2) add("_HLS_skip=v2");
    return out;
}

std::string PlaylistCacheKey(std::string_view path, const DeliveryDirectives& directives) {
    std::string key(path);
    const std::string query = CanonicalDirectiveQuery(directives);
    if (!query.empty()) key += "?" + query;
    return key;
}

BlockingAnswer AnswerBlockingRequest(const DeliveryDirectives& d, const MediaPlaylist& p) {
    if (!d.msn || p.ended) return BlockingAnswer::kReady;
    const uint64_t next = p.NextSequence();  // the open segment's MSN
    const uint64_t m = *d.msn;
    if (m < next) return BlockingAnswer::kReady;
    const uint64_t last = next == 0 ? 0 : next - 1;
    if (next == 0 ? m > 2 : m - last > 2) return BlockingAnswer::kTooFar;
    if (!d.part) return BlockingAnswer::kWait;  // segment M is not complete yet
    const uint64_t have = p.open_segment && m == next ? p.open_segment->parts.size() : 0;
    if (*d.part < have) return BlockingAnswer::kReady;
    uint64_t limit = 3;
    if (p.part_target && *p.part_target > 0 && *p.part_target < 90000)
        limit = static_cast<uint64_t>((3 * 90000 + *p.part_target - 1) / *p.part_target);
    // Parts ahead of the last one listed (within segment M; later segments
    // start from part 0 after the open one's parts).
    const uint64_t ahead = m == next ? *d.part + 1 - have : *d.part + 1;
    return ahead > limit ? BlockingAnswer::kTooFar : BlockingAnswer::kWait;
}

}  // namespace onair::format::hls
