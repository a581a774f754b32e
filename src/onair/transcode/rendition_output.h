// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <chrono>
#include <string_view>

#include "onair/base/result.h"
#include "onair/media/packet.h"

namespace onair::transcode {

/// Where a broadcast's renditions go, as the transcoder makes them. Each
/// rendition calls from its own thread, in its own order (config, then
/// packets in decode order, then the end): implementations are
/// thread-safe and must not block for long.
class RenditionOutput {
public:
    virtual ~RenditionOutput() = default;
    virtual void OnConfig(std::string_view rendition, const media::CodecConfig& config) = 0;
    /// `received`: when the transcoder received the source packet this one
    /// was made from (the latency transcoding adds).
    virtual void OnPacket(std::string_view rendition, const media::Packet& packet,
                          std::chrono::steady_clock::time_point received) = 0;
    /// The rendition ends: the broadcast ended ("source_ended"), or it was
    /// dropped ("overload", "error").
    virtual void OnEnd(std::string_view rendition, std::string_view reason) = 0;
};

}  // namespace onair::transcode
