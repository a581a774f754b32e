// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/bearer_auth.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <string>

#include "onair/store/stream_key.h"

namespace onair::server::http {

std::string_view BearerToken(const HttpRequest& request) {
    std::string_view value = request.header("Authorization");
    constexpr std::string_view kScheme = "bearer";
    if (value.size() <= kScheme.size() ||
        !boost::beast::iequals(boost::beast::string_view(value.data(), kScheme.size()), kScheme) ||
        value[kScheme.size()] != ' ')
        return {};
    value.remove_prefix(kScheme.size());
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    return value;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

bool BearerTokenMatches(const HttpRequest& request, std::string_view expected) {
    const std::string_view token = BearerToken(request);
    if (token.empty() || expected.empty()) return false;
    return ConstantTimeEquals(store::HashStreamKey(token), store::HashStreamKey(expected));
}

bool BearerTokenHashMatches(const HttpRequest& request, std::string_view expected_sha256_hex) {
    const std::string_view token = BearerToken(request);
    if (token.empty() || expected_sha256_hex.empty()) return false;
    std::string expected(expected_sha256_hex);
    std::transform(expected.begin(), expected.end(), expected.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c); });
    return ConstantTimeEquals(store::HashStreamKey(token), expected);
}

}  // namespace onair::server::http
