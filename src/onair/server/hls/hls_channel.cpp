// SPDX-License-Identifier: Apache-2.0
#include "onair/server/hls/hls_channel.h"

#include "onair/format/hls/multivariant_playlist.h"
#include "onair/runtime/wall_clock.h"

namespace onair::server::hls {

namespace {
packager::HlsRendition::Options RenditionOptions(const HlsOptions& o, const std::string& prefix) {
    packager::HlsRendition::Options r;
    r.uri_prefix = prefix;
    r.window_segments = o.window_segments;
    r.target_duration = o.segment_target_ticks;
    return r;
}
using runtime::WallClockMs;
}  // namespace

HlsChannel::HlsChannel(std::string channel, std::string_view broadcast_id, const HlsOptions& options)
    : channel_(std::move(channel)),
      segment_prefix_(std::string(broadcast_id) + "-"),
      source_(RenditionOptions(options, segment_prefix_)) {}

void HlsChannel::OnItem(const router::StreamItem& item) {
    using Kind = router::StreamItem::Kind;
    std::lock_guard lock(mu_);
    switch (item.kind) {
        case Kind::kVideoConfig:
            video_ = *item.config;
            source_.SetConfigs(video_, audio_);
            break;
        case Kind::kAudioConfig:
            audio_ = *item.config;
            source_.SetConfigs(video_, audio_);
            break;
        case Kind::kMetadata:
            break;
        case Kind::kPacket:
            if (item.packet.wallclock_ms == 0 && item.packet.segment_start >= 0) {
                // Not dated upstream: the segment is dated when we see it
                // (packagers that see it at other times disagree).
                media::Packet dated = item.packet;
                dated.wallclock_ms = WallClockMs();
                source_.Push(dated);
            } else {
                source_.Push(item.packet);
            }
            break;
        case Kind::kEnd:
            source_.EndOfStream();
            ended_ = true;
            break;
    }
}

std::optional<std::string> HlsChannel::MultivariantPlaylist() const {
    std::lock_guard lock(mu_);
    if (!source_.has_segments()) return std::nullopt;
    // Like the media playlist, a function of the listed segments: edges
    // that list the same segments serve the same text.
    format::hls::Variant v = source_.VariantModel();
    v.uri = "src/index.m3u8";
    format::hls::MultivariantPlaylist playlist;
    playlist.variants.push_back(std::move(v));
    return format::hls::WriteMultivariantPlaylist(playlist);
}

std::optional<std::string> HlsChannel::MediaPlaylist(std::string_view rendition) const {
    if (rendition != "src") return std::nullopt;
    std::lock_guard lock(mu_);
    if (!source_.has_segments()) return std::nullopt;
    return source_.Playlist();
}

std::optional<base::SharedBuffer> HlsChannel::Segment(std::string_view rendition, uint64_t sequence) const {
    if (rendition != "src") return std::nullopt;
    std::lock_guard lock(mu_);
    return source_.Segment(sequence);
}

bool HlsChannel::ended() const {
    std::lock_guard lock(mu_);
    return ended_;
}

}  // namespace onair::server::hls
