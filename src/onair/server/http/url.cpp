// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/url.h"

#include <algorithm>
#include <charconv>

namespace onair::server::http {

namespace {

base::Error UrlError(base::ErrorCode code, std::string_view problem) {
    return base::Error{code, "URL: " + std::string(problem)};
}

std::string Lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
    return out;
}

uint16_t DefaultPort(std::string_view scheme) { return scheme == "https" ? 443 : 80; }

}  // namespace

std::string Url::target() const { return query.empty() ? path : path + "?" + query; }

std::string Url::authority() const {
    std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (port != DefaultPort(scheme)) out += ":" + std::to_string(port);
    return out;
}

std::string Url::Redacted() const { return scheme + "://" + authority() + path; }

base::Result<Url> ParseUrl(std::string_view text) {
    for (unsigned char c : text)
        if (c <= 0x20 || c == 0x7f)
            return UrlError(base::ErrorCode::kInvalidData, "spaces and control characters are not allowed");
    const auto sep = text.find("://");
    if (sep == std::string_view::npos) return UrlError(base::ErrorCode::kInvalidData, "expected scheme://host");
    Url url;
    url.scheme = Lower(text.substr(0, sep));
    if (url.scheme != "http" && url.scheme != "https")
        return UrlError(base::ErrorCode::kUnsupported, "only http:// and https:// are supported");
    text.remove_prefix(sep + 3);
    const auto authority_end = text.find_first_of("/?#");
    std::string_view authority = text.substr(0, authority_end);
    text = authority_end == std::string_view::npos ? std::string_view{} : text.substr(authority_end);
    if (authority.find('@') != std::string_view::npos)
        return UrlError(base::ErrorCode::kUnsupported, "credentials in the URL are not supported");
    std::string_view host = authority;
    std::string_view port_text;
    bool has_port = false;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos)
            return UrlError(base::ErrorCode::kInvalidData, "unterminated IPv6 address");
        host = authority.substr(1, close - 1);
        const auto rest = authority.substr(close + 1);
        if (!rest.empty() && rest.front() != ':') return UrlError(base::ErrorCode::kInvalidData, "bad port");
        has_port = !rest.empty();
        if (has_port) port_text = rest.substr(1);
    } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        has_port = true;
        port_text = authority.substr(colon + 1);
    }
    if (host.empty()) return UrlError(base::ErrorCode::kInvalidData, "missing host");
    url.host = Lower(host);
    url.port = DefaultPort(url.scheme);
    if (has_port) {
        unsigned value = 0;
        auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
        if (port_text.empty() || ec != std::errc() || p != port_text.data() + port_text.size() || value == 0 ||
            value > 65535)
            return UrlError(base::ErrorCode::kInvalidData, "bad port");
        url.port = static_cast<uint16_t>(value);
    }
    text = text.substr(0, text.find('#'));
    const auto q = text.find('?');
    url.path = std::string(text.substr(0, q));
    if (url.path.empty()) url.path = "/";
    if (q != std::string_view::npos) url.query = std::string(text.substr(q + 1));
    return url;
}

}  // namespace onair::server::http
