// SPDX-License-Identifier: Apache-2.0
#include "onair/runtime/endpoint.h"

#include <charconv>

namespace onair::runtime {

base::Result<Endpoint> ParseEndpoint(std::string_view text) {
    auto bad = [&](std::string_view why) {
        return base::Error{base::ErrorCode::kInvalidData,
                           "invalid address '" + std::string(text) + "': " + std::string(why) + " (want HOST:PORT)"};
    };
    Endpoint ep;
    std::string_view port;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
            return bad("unterminated IPv6 address");
        ep.host = std::string(text.substr(1, close - 1));
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos) return bad("missing port");
        ep.host = std::string(text.substr(0, colon));
        if (ep.host.find(':') != std::string::npos) return bad("IPv6 addresses need brackets");
        port = text.substr(colon + 1);
    }
    if (ep.host.empty()) return bad("missing host");
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || value > 65535)
        return bad("port must be 0-65535");
    ep.port = static_cast<uint16_t>(value);
    return ep;
}

}  // namespace onair::runtime
