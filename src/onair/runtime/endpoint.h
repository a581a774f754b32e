// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "onair/base/result.h"

namespace onair::runtime {

/// A listen or connect address: "0.0.0.0:1935", "[::1]:8080", "localhost:80".
struct Endpoint {
    std::string host;
    uint16_t port = 0;
};

/// Parses "host:port" (IPv6 in brackets). Port 0 is allowed (ephemeral).
base::Result<Endpoint> ParseEndpoint(std::string_view text);

}  // namespace onair::runtime
