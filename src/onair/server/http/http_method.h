// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <string_view>

namespace onair::server::http {

/// The methods onair routes on; anything else is kOther (its name is still
/// in HttpRequest::method).
enum class HttpMethod { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

/// "GET" -> kGet ...; methods are case-sensitive (RFC 9110 9.1).
HttpMethod ParseHttpMethod(std::string_view name);
/// kGet -> "GET" ...; kOther -> "".
std::string_view HttpMethodName(HttpMethod method);

}  // namespace onair::server::http
