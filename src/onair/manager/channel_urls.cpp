// SPDX-License-Identifier: Apache-2.0
#include "onair/manager/channel_urls.h"

#include "onair/runtime/endpoint.h"

namespace onair::manager {

namespace {

uint16_t PortOf(const std::string& listen, uint16_t fallback) {
    auto ep = runtime::ParseEndpoint(listen);
    return ep.ok() ? ep->port : fallback;
}

}  // namespace

std::string WithoutTrailingSlash(std::string s) {
    while (!s.empty() && s.back() == '/') s.pop_back();
    return s;
}

ChannelUrls ChannelUrls::FromConfig(const runtime::Config& config) {
    ChannelUrls u;
    u.app = config.rtmp.app;
    const std::string host = runtime::PublicHost(config);
    u.rtmp_base = config.manager.public_rtmp_url.empty()
                      ? "rtmp://" + host + ":" + std::to_string(PortOf(config.rtmp.listen, 1935)) + "/" + u.app
                      : WithoutTrailingSlash(config.manager.public_rtmp_url);
    u.http_base = config.manager.public_http_url.empty()
                      ? "http://" + host + ":" + std::to_string(PortOf(config.http.listen, 8080))
                      : WithoutTrailingSlash(config.manager.public_http_url);
    return u;
}

std::string ChannelUrls::playback(std::string_view channel) const {
    return http_base + "/" + app + "/" + std::string(channel) + "/index.m3u8";
}

std::string ChannelUrls::player(std::string_view channel) const { return http_base + "/watch/" + std::string(channel); }

}  // namespace onair::manager
