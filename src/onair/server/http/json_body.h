// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "onair/base/result.h"
#include "onair/server/http/http_types.h"
#include "onair/server/http/json_response.h"

namespace onair::server::http {

/// A value, or the error response to send instead of it.
template <typename T>
using ApiResult = base::Result<T, HttpResponse>;

/// The request body as a JSON object: 415 unsupported_media_type unless the
/// Content-Type is application/json (parameters such as charset allowed),
/// 400 invalid_json when it does not parse (the message gives the byte),
/// 400 invalid_argument when it is JSON but not an object.
ApiResult<nlohmann::json> ParseJsonBody(const HttpRequest& request);

namespace json_detail {

HttpResponse FieldError(std::string_view name, std::string_view problem);

/// "a string", "an integer from 0 to 4294967295", ...
template <typename T>
std::string Expected() {
    if constexpr (std::is_same_v<T, std::string>) {
        return "a string";
    } else if constexpr (std::is_same_v<T, bool>) {
        return "a boolean";
    } else if constexpr (std::is_integral_v<T>) {
        return "an integer from " + std::to_string(std::numeric_limits<T>::min()) + " to " +
               std::to_string(std::numeric_limits<T>::max());
    } else if constexpr (std::is_floating_point_v<T>) {
        return "a number";
    } else if constexpr (std::is_same_v<T, nlohmann::json>) {
        return "a JSON value";
    } else {
        static_assert(sizeof(T) == 0, "unsupported field type");
    }
}

/// The value as T, or nullopt when it has another type or is out of range.
template <typename T>
std::optional<T> As(const nlohmann::json& v) {
    if constexpr (std::is_same_v<T, std::string>) {
        if (v.is_string()) return v.get<std::string>();
    } else if constexpr (std::is_same_v<T, bool>) {
        if (v.is_boolean()) return v.get<bool>();
    } else if constexpr (std::is_integral_v<T>) {
        if (v.is_number_unsigned()) {
            const auto u = v.get<uint64_t>();
            if (u <= static_cast<uint64_t>(std::numeric_limits<T>::max())) return static_cast<T>(u);
        } else if (v.is_number_integer()) {  // negative
            const auto i = v.get<int64_t>();
            if constexpr (std::is_signed_v<T>) {
                if (i >= static_cast<int64_t>(std::numeric_limits<T>::min())) return static_cast<T>(i);
            }
        }
    } else if constexpr (std::is_floating_point_v<T>) {
        if (v.is_number()) return v.get<T>();
    } else if constexpr (std::is_same_v<T, nlohmann::json>) {
        return v;
    }
    return std::nullopt;
}

}  // namespace json_detail

/// `object[name]` as T (std::string, bool, an integer type with range check,
/// double, or nlohmann::json): 400 invalid_argument "field 'name' is
/// required" when absent or null, "field 'name' must be <what>" otherwise.
template <typename T>
ApiResult<T> RequiredField(const nlohmann::json& object, std::string_view name) {
    auto it = object.find(name);
    if (it == object.end() || it->is_null()) return json_detail::FieldError(name, "is required");
    if (auto v = json_detail::As<T>(*it)) return std::move(*v);
    return json_detail::FieldError(name, "must be " + json_detail::Expected<T>());
}

/// As RequiredField, but an absent or null field is nullopt.
template <typename T>
ApiResult<std::optional<T>> OptionalField(const nlohmann::json& object, std::string_view name) {
    auto it = object.find(name);
    if (it == object.end() || it->is_null()) return std::optional<T>();
    if (auto v = json_detail::As<T>(*it)) return std::optional<T>(std::move(*v));
    return json_detail::FieldError(name, "must be " + json_detail::Expected<T>());
}

}  // namespace onair::server::http
