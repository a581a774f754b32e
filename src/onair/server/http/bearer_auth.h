// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <string_view>

#include "onair/server/http/http_types.h"

namespace onair::server::http {

/// The token of "Authorization: Bearer <token>" (the scheme in any case,
/// RFC 9110 11.1), or "" when the header is absent, empty or another scheme.
std::string_view BearerToken(const HttpRequest& request);

/// a == b, in a time that depends on the lengths only (CRYPTO_memcmp).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

/// The request's bearer token is `expected`. Both are hashed first, so the
/// comparison takes the same time whatever the tokens' lengths. An empty
/// `expected` matches nothing.
bool BearerTokenMatches(const HttpRequest& request, std::string_view expected);

/// The SHA-256 of the request's bearer token, in hex (as
/// store::HashStreamKey), is `expected_sha256_hex` (either case): for a
/// token kept only as its hash. An empty hash matches nothing.
bool BearerTokenHashMatches(const HttpRequest& request, std::string_view expected_sha256_hex);

}  // namespace onair::server::http
