// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <string>
#include <string_view>

#include "onair/runtime/config.h"

namespace onair::manager {

/// Where users reach a channel: what OBS needs, and where viewers play it.
/// None of them holds the stream key.
struct ChannelUrls {
    std::string rtmp_base;  // "rtmp://host:1935/live": OBS's Server field
    std::string http_base;  // "http://host:8080"

    static ChannelUrls FromConfig(const runtime::Config& config);

    std::string rtmp_play(std::string_view channel) const { return rtmp_base + "/" + std::string(channel); }
    std::string playback(std::string_view channel) const;  // HLS multivariant playlist
    std::string player(std::string_view channel) const;    // the public player page

    std::string app;  // the RTMP application, "live"
};

/// A base URL as configured, without trailing '/' (paths are appended).
std::string WithoutTrailingSlash(std::string url);

}  // namespace onair::manager
