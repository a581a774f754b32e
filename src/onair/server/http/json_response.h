// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "onair/base/result.h"
#include "onair/server/http/http_types.h"

namespace onair::server::http {

/// `body` as application/json, never cached (Cache-Control: no-store).
HttpResponse JsonResponse(unsigned status, const nlohmann::json& body);

/// The REST API's errors: each has one status and one code.
enum class ApiError {
    kInvalidJson,           // 400 invalid_json: the body is not JSON
    kInvalidArgument,       // 400 invalid_argument: JSON, but a field is missing, of the wrong type or out of range
    kUnauthorized,          // 401 unauthorized (+ WWW-Authenticate: Bearer)
    kForbidden,             // 403 forbidden
    kNotFound,              // 404 not_found
    kMethodNotAllowed,      // 405 method_not_allowed (the caller adds Allow)
    kConflict,              // 409 conflict
    kPayloadTooLarge,       // 413 payload_too_large
    kUnsupportedMediaType,  // 415 unsupported_media_type
    kTooManyRequests,       // 429 too_many_requests
    kInternal,              // 500 internal
    kUnavailable,           // 503 unavailable
    kTimeout,               // 504 timeout
};

unsigned ApiErrorStatus(ApiError error);
std::string_view ApiErrorCode(ApiError error);

/// {"error":{"code":"not_found","message":"..."}} with the error's status.
/// `retry_after` adds Retry-After (seconds), for 429 and 503.
HttpResponse ApiErrorResponse(ApiError error, std::string_view message,
                              std::optional<std::chrono::seconds> retry_after = std::nullopt);

/// A lower layer's error as the API's: kNotFound 404, kAlreadyExists 409,
/// kInvalidData / kLimitExceeded / kUnsupported 400 invalid_argument with
/// the message; kIo and kInternal are logged and answered 500 with a generic
/// message (their text may describe the server's insides).
HttpResponse ErrorResponse(const base::Error& error);

}  // namespace onair::server::http
