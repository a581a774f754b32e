// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "onair/server/hls/audience.h"
#include "onair/server/hls/hls_service.h"
#include "onair/server/http/request_observer.h"

namespace onair::server::hls {

/// Counts an edge's answered requests under `/<app>/<channel>/` in an
/// Audience, for the broadcast each belongs to. Anything else (health,
/// unknown channels, 404s of an unknown name) is not counted, so unknown
/// names cost nothing lasting.
class BroadcastAudienceObserver : public http::RequestObserver {
public:
    /// The broadcast whose requests on `channel` are counted now: the
    /// reports (`edge.stats`) carry only it, so a broadcast that ended but
    /// still lingers here never replaces the count of the live one.
    virtual std::optional<std::string> CurrentBroadcast(std::string_view channel) const = 0;
};

/// An edge that packages: a request counts for the broadcast its
/// HlsService serves on the channel.
class AudienceObserver final : public BroadcastAudienceObserver {
public:
    AudienceObserver(std::string app, HlsService& hls, Audience& audience)
        : app_(std::move(app)), hls_(hls), audience_(audience) {}
    void OnRequest(const http::CompletedRequest& request) override;
    std::optional<std::string> CurrentBroadcast(std::string_view channel) const override;

private:
    const std::string app_;
    HlsService& hls_;
    Audience& audience_;
};

/// A pull-through cache (`onair edge --upstream`), which packages nothing:
/// it learns a channel's broadcast from the segments it serves, named
/// "<broadcast id>-<n>.ts" or ".m4s" by every packager. A segment answered
/// 200, 206 or 304 counts for the broadcast in its name and makes it the
/// channel's current one; a playlist counts for the current one. A request
/// of a channel with no segment served yet, and every error answer,
/// counts nothing and is not remembered. At most `max_channels` channels
/// are remembered, the one seen least recently first out.
class CacheAudienceObserver final : public BroadcastAudienceObserver {
public:
    CacheAudienceObserver(std::string app, Audience& audience, size_t max_channels = 10000)
        : app_(std::move(app)), audience_(audience), max_channels_(max_channels) {}
    void OnRequest(const http::CompletedRequest& request) override;
    std::optional<std::string> CurrentBroadcast(std::string_view channel) const override;

    /// The broadcast a segment file name names ("b7-12.ts" → "b7"), or empty.
    static std::string_view BroadcastOfSegment(std::string_view file);

private:
    struct Learnt {
        std::string broadcast_id;
        std::chrono::steady_clock::time_point seen;
    };
    const std::string app_;
    Audience& audience_;
    const size_t max_channels_;
    mutable std::mutex mu_;
    std::map<std::string, Learnt, std::less<>> channels_;
};

}  // namespace onair::server::hls
