// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/json_body.h"

#include <boost/beast/core/string.hpp>

namespace onair::server::http {

namespace {

// The media type without parameters or surrounding spaces.
std::string_view MediaType(std::string_view content_type) {
    content_type = content_type.substr(0, content_type.find(';'));
    while (!content_type.empty() && (content_type.front() == ' ' || content_type.front() == '\t'))
        content_type.remove_prefix(1);
    while (!content_type.empty() && (content_type.back() == ' ' || content_type.back() == '\t'))
        content_type.remove_suffix(1);
    return content_type;
}

}  // namespace

namespace json_detail {

HttpResponse FieldError(std::string_view name, std::string_view problem) {
    return ApiErrorResponse(ApiError::kInvalidArgument, "field '" + std::string(name) + "' " + std::string(problem));
}

}  // namespace json_detail

ApiResult<nlohmann::json> ParseJsonBody(const HttpRequest& request) {
    const std::string_view type = MediaType(request.header("Content-Type"));
    if (!boost::beast::iequals(boost::beast::string_view(type.data(), type.size()), "application/json"))
        return ApiErrorResponse(ApiError::kUnsupportedMediaType, "the request body must be application/json");
    nlohmann::json body;
    try {
        body = nlohmann::json::parse(request.body);
    } catch (const nlohmann::json::parse_error& e) {
        return ApiErrorResponse(ApiError::kInvalidJson,
                                "the request body is not valid JSON (at byte " + std::to_string(e.byte) + ")");
    }
    if (!body.is_object())
        return ApiErrorResponse(ApiError::kInvalidArgument, "the request body must be a JSON object");
    return body;
}

}  // namespace onair::server::http
