// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "onair/base/shared_buffer.h"
#include "onair/packager/hls_rendition.h"
#include "onair/router/stream_item.h"

namespace onair::server::hls {

struct HlsOptions {
    int64_t segment_target_ticks = 2 * 90000;
    size_t window_segments = 6;
};

/// The live HLS of one broadcast: today one rendition ("src"), the source
/// as published; the ABR ladder adds more. Fed by the broadcast on the
/// publisher's thread, read by HTTP handlers on any thread.
class HlsChannel final : public router::Subscriber {
public:
    /// `broadcast_id` scopes the segment URIs ("<broadcast_id>-<n>.ts").
    HlsChannel(std::string channel, std::string_view broadcast_id, const HlsOptions& options);

    void OnItem(const router::StreamItem& item) override;

    /// Empty until the first segment is complete (then the stream is playable).
    std::optional<std::string> MultivariantPlaylist() const;
    std::optional<std::string> MediaPlaylist(std::string_view rendition) const;
    std::optional<base::SharedBuffer> Segment(std::string_view rendition, uint64_t sequence) const;

    const std::string& channel() const { return channel_; }
    /// What every segment file name of this broadcast starts with.
    const std::string& segment_prefix() const { return segment_prefix_; }
    bool ended() const;

private:
    const std::string channel_;
    const std::string segment_prefix_;
    mutable std::mutex mu_;
    packager::HlsRendition source_;
    std::optional<media::CodecConfig> video_;
    std::optional<media::CodecConfig> audio_;
    bool ended_ = false;
};

}  // namespace onair::server::hls
