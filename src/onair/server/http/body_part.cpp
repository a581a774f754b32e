// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/body_part.h"

#include <string>

#include "onair/base/byte_range.h"
#include "onair/base/entity_tag.h"

namespace onair::server::http {

namespace {

void DropBody(HttpResponse& response) {
    response.body = {};
    response.file.reset();
    response.stream.reset();
}

}  // namespace

BodyPart SelectBodyPart(const HttpRequest& request, HttpResponse& response) {
    const uint64_t size = response.representation_size();
    const BodyPart whole{0, size};
    const bool get_or_head = request.verb == HttpMethod::kGet || request.verb == HttpMethod::kHead;
    if (response.status != 200 || !get_or_head) return whole;

    if (const auto inm = request.header("If-None-Match"); !inm.empty() && base::IfNoneMatchMatches(inm, response.etag)) {
        response.status = 304;
        DropBody(response);
        return {};
    }
    if (response.stream) return whole;  // its size is not known yet: no Range
    response.headers.emplace_back("Accept-Ranges", "bytes");
    const std::string_view range = request.header("Range");
    if (range.empty()) return whole;
    if (const auto if_range = request.header("If-Range"); !if_range.empty() && !base::IfRangeMatches(if_range, response.etag))
        return whole;

    const base::RangeRequest want = base::ResolveRange(range, size);
    switch (want.kind) {
        case base::RangeRequest::Kind::kWhole:
            return whole;
        case base::RangeRequest::Kind::kUnsatisfiable: {
            HttpResponse refused = HttpResponse::Text(416, "range not satisfiable\n");
            refused.cache_control = std::move(response.cache_control);
            refused.etag = std::move(response.etag);
            refused.headers = std::move(response.headers);
            refused.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
            response = std::move(refused);
            return {0, response.body.size()};
        }
        case base::RangeRequest::Kind::kPartial:
            break;
    }
    response.status = 206;
    response.headers.emplace_back("Content-Range", "bytes " + std::to_string(want.range.first) + "-" +
                                                       std::to_string(want.range.last) + "/" + std::to_string(size));
    return {want.range.first, want.range.length()};
}

}  // namespace onair::server::http
