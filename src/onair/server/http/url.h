// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "onair/base/result.h"

namespace onair::server::http {

/// An absolute http:// or https:// URL, split for a request.
struct Url {
    std::string scheme;  // "http" or "https" (lower case)
    std::string host;    // lower case; an IPv6 address without its brackets
    uint16_t port = 0;   // as given, else 80 / 443
    std::string path;    // "/..." ("/" when the URL has none), not decoded
    std::string query;   // after '?', without it; the fragment is dropped

    bool tls() const { return scheme == "https"; }
    /// The request target: path, and "?query" when there is one.
    std::string target() const;
    /// The Host header: the host (bracketed if IPv6) and ":port" unless the
    /// scheme's default.
    std::string authority() const;
    /// "scheme://authority/path": what may be logged or shown. Never the
    /// query string, which may carry a key.
    std::string Redacted() const;
};

/// Parses an absolute http(s) URL. User information ("user:pass@") is
/// refused, as are spaces and control characters. Error messages never
/// repeat the URL (it may carry a key).
base::Result<Url> ParseUrl(std::string_view text);

}  // namespace onair::server::http
