// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/http_method.h"

#include <array>
#include <utility>

namespace onair::server::http {

namespace {

constexpr std::array<std::pair<HttpMethod, std::string_view>, 7> kMethods = {{
    {HttpMethod::kGet, "GET"},
    {HttpMethod::kHead, "HEAD"},
    {HttpMethod::kPost, "POST"},
    {HttpMethod::kPut, "PUT"},
    {HttpMethod::kPatch, "PATCH"},
    {HttpMethod::kDelete, "DELETE"},
    {HttpMethod::kOptions, "OPTIONS"},
}};

}  // namespace

HttpMethod ParseHttpMethod(std::string_view name) {
    for (const auto& [method, text] : kMethods)
        if (text == name) return method;
    return HttpMethod::kOther;
}

std::string_view HttpMethodName(HttpMethod method) {
    for (const auto& [m, text] : kMethods)
        if (m == method) return text;
    return {};
}

}  // namespace onair::server::http
