// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/json_response.h"

#include "onair/runtime/logger.h"

namespace onair::server::http {

namespace {

struct ApiErrorInfo {
    unsigned status;
    std::string_view code;
};

ApiErrorInfo Info(ApiError error) {
    switch (error) {
        case ApiError::kInvalidJson: return {400, "invalid_json"};
        case ApiError::kInvalidArgument: return {400, "invalid_argument"};
        case ApiError::kUnauthorized: return {401, "unauthorized"};
        case ApiError::kForbidden: return {403, "forbidden"};
        case ApiError::kNotFound: return {404, "not_found"};
        case ApiError::kMethodNotAllowed: return {405, "method_not_allowed"};
        case ApiError::kConflict: return {409, "conflict"};
        case ApiError::kPayloadTooLarge: return {413, "payload_too_large"};
        case ApiError::kUnsupportedMediaType: return {415, "unsupported_media_type"};
        case ApiError::kTooManyRequests: return {429, "too_many_requests"};
        case ApiError::kInternal: return {500, "internal"};
        case ApiError::kUnavailable: return {503, "unavailable"};
        case ApiError::kTimeout: return {504, "timeout"};
    }
    return {500, "internal"};
}

}  // namespace

HttpResponse JsonResponse(unsigned status, const nlohmann::json& body) {
    HttpResponse r;
    r.status = status;
    r.content_type = "application/json";
    r.cache_control = "no-store";
    // Invalid UTF-8 in a string is replaced, not thrown.
    r.body =
        base::SharedBuffer::Copy(std::string_view(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
    return r;
}

unsigned ApiErrorStatus(ApiError error) { return Info(error).status; }

std::string_view ApiErrorCode(ApiError error) { return Info(error).code; }

HttpResponse ApiErrorResponse(ApiError error, std::string_view message,
                              std::optional<std::chrono::seconds> retry_after) {
    const ApiErrorInfo info = Info(error);
    HttpResponse r = JsonResponse(info.status, {{"error", {{"code", info.code}, {"message", message}}}});
    if (error == ApiError::kUnauthorized) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"onair\"");
    if (retry_after) r.headers.emplace_back("Retry-After", std::to_string(retry_after->count()));
    return r;
}

HttpResponse ErrorResponse(const base::Error& error) {
    switch (error.code) {
        case base::ErrorCode::kNotFound: return ApiErrorResponse(ApiError::kNotFound, error.message);
        case base::ErrorCode::kAlreadyExists: return ApiErrorResponse(ApiError::kConflict, error.message);
        case base::ErrorCode::kInvalidData:
        case base::ErrorCode::kLimitExceeded:
        case base::ErrorCode::kUnsupported: return ApiErrorResponse(ApiError::kInvalidArgument, error.message);
        case base::ErrorCode::kIo:
        case base::ErrorCode::kInternal: break;
    }
    runtime::Logger("http").Error("request failed",
                                  {{"error.code", base::ErrorCodeName(error.code)}, {"error.message", error.message}});
    return ApiErrorResponse(ApiError::kInternal, "internal error");
}

}  // namespace onair::server::http
