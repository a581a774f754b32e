// SPDX-License-Identifier: Apache-2.0
#include "onair/server/hls/hls_channel.h"

#include <algorithm>

#include "onair/base/entity_tag.h"
#include "onair/format/hls/multivariant_playlist.h"
#include "onair/runtime/wall_clock.h"

namespace onair::server::hls {

namespace {
packager::HlsRendition::Options RenditionOptions(const HlsOptions& o, const std::string& prefix) {
    packager::HlsRendition::Options r;
    r.uri_prefix = prefix;
    r.window_segments = o.window_segments;
    r.target_duration = o.segment_target_ticks;
    r.container = o.container;
    return r;
}
using runtime::WallClockMs;

HlsChannel::PlaylistRef MakePlaylist(std::string text) {
    auto p = std::make_shared<HlsChannel::PlaylistText>();
    p->etag = base::ContentTag(text);
    std::vector<uint8_t> bytes(text.begin(), text.end());
    p->text = base::SharedBuffer::Adopt(std::move(bytes));
    return p;
}

std::optional<std::string> Copied(const HlsChannel::PlaylistRef& p) {
    if (!p) return std::nullopt;
    return std::string(p->view());
}
}  // namespace

HlsChannel::HlsChannel(std::string channel, std::string_view broadcast_id, const HlsOptions& options)
    : channel_(std::move(channel)),
      segment_prefix_(std::string(broadcast_id) + "-"),
      options_(RenditionOptions(options, segment_prefix_)) {
    renditions_.emplace("src", std::make_unique<Rendition>(options_));
}

void HlsChannel::OnItem(const router::StreamItem& item) {
    std::lock_guard lock(mu_);
    FeedLocked(*renditions_.at("src"), item);
    if (item.kind == router::StreamItem::Kind::kEnd) ended_ = true;
}

void HlsChannel::OnRenditionItem(std::string_view rendition, const router::StreamItem& item) {
    std::lock_guard lock(mu_);
    auto it = renditions_.find(rendition);
    if (it == renditions_.end()) {
        if (item.kind == router::StreamItem::Kind::kEnd) return;
        it = renditions_.emplace(std::string(rendition), std::make_unique<Rendition>(options_)).first;
    }
    FeedLocked(*it->second, item);
}

void HlsChannel::FeedLocked(Rendition& r, const router::StreamItem& item) {
    using Kind = router::StreamItem::Kind;
    switch (item.kind) {
        case Kind::kVideoConfig:
            r.video = *item.config;
            r.packager.SetConfigs(r.video, r.audio);
            break;
        case Kind::kAudioConfig:
            r.audio = *item.config;
            r.packager.SetConfigs(r.video, r.audio);
            break;
        case Kind::kMetadata:
            break;
        case Kind::kPacket:
            if (item.packet.wallclock_ms == 0 && item.packet.segment_start >= 0) {
                // Not dated upstream: the segment is dated when we see it
                // (packagers that see it at other times disagree).
                media::Packet dated = item.packet;
                dated.wallclock_ms = WallClockMs();
                r.packager.Push(dated);
            } else {
                r.packager.Push(item.packet);
            }
            break;
        case Kind::kEnd:
            r.packager.EndOfStream();
            r.ended = true;
            break;
    }
}

std::vector<const HlsChannel::Rendition*> HlsChannel::ListedLocked(std::vector<std::string>* names) const {
    // The source, then the renditions still made, tallest first: a player
    // that takes the first variant gets the source. A rendition that ended
    // while the source goes on (dropped) is no longer offered.
    std::vector<std::pair<std::string, const Rendition*>> listed;
    for (const auto& [name, r] : renditions_) {
        if (!r->packager.has_segments()) continue;
        if (name != "src" && r->ended && !ended_) continue;
        listed.emplace_back(name, r.get());
    }
    std::stable_sort(listed.begin(), listed.end(), [](const auto& a, const auto& b) {
        if ((a.first == "src") != (b.first == "src")) return a.first == "src";
        const int ha = a.second->video ? a.second->video->height : 0;
        const int hb = b.second->video ? b.second->video->height : 0;
        return ha > hb;
    });
    std::vector<const Rendition*> out;
    for (auto& [name, r] : listed) {
        if (names) names->push_back(name);
        out.push_back(r);
    }
    return out;
}

std::vector<std::string> HlsChannel::ListedRenditions() const {
    std::lock_guard lock(mu_);
    std::vector<std::string> names;
    ListedLocked(&names);
    return names;
}

HlsChannel::PlaylistRef HlsChannel::MultivariantPlaylistText() const {
    std::lock_guard lock(mu_);
    if (!renditions_.at("src")->packager.has_segments()) return nullptr;
    uint64_t version = 0;
    for (const auto& [name, r] : renditions_) version += r->packager.version();
    if (multivariant_ && multivariant_version_ == version) return multivariant_;
    // Like the media playlists, a function of the listed segments: edges
    // that list the same segments serve the same text.
    std::vector<std::string> names;
    const auto listed = ListedLocked(&names);
    format::hls::MultivariantPlaylist playlist;
    for (size_t i = 0; i < listed.size(); ++i) {
        format::hls::Variant v = listed[i]->packager.VariantModel();
        v.uri = names[i] + "/index.m3u8";
        playlist.variants.push_back(std::move(v));
    }
    multivariant_ = MakePlaylist(format::hls::WriteMultivariantPlaylist(playlist));
    multivariant_version_ = version;
    return multivariant_;
}

HlsChannel::PlaylistRef HlsChannel::MediaPlaylistText(std::string_view rendition) const {
    std::lock_guard lock(mu_);
    auto it = renditions_.find(rendition);
    if (it == renditions_.end() || !it->second->packager.has_segments()) return nullptr;
    Rendition& r = *it->second;
    if (!r.playlist || r.playlist_version != r.packager.version()) {
        r.playlist = MakePlaylist(r.packager.Playlist());
        r.playlist_version = r.packager.version();
    }
    return r.playlist;
}

std::optional<std::string> HlsChannel::MultivariantPlaylist() const { return Copied(MultivariantPlaylistText()); }

std::optional<std::string> HlsChannel::MediaPlaylist(std::string_view rendition) const {
    return Copied(MediaPlaylistText(rendition));
}

std::optional<base::SharedBuffer> HlsChannel::Segment(std::string_view rendition, uint64_t sequence) const {
    std::lock_guard lock(mu_);
    auto it = renditions_.find(rendition);
    if (it == renditions_.end()) return std::nullopt;
    return it->second->packager.Segment(sequence);
}

std::optional<base::SharedBuffer> HlsChannel::InitSegment(std::string_view rendition, std::string_view id) const {
    std::lock_guard lock(mu_);
    auto it = renditions_.find(rendition);
    if (it == renditions_.end()) return std::nullopt;
    return it->second->packager.InitSegment(id);
}

std::string_view HlsChannel::segment_extension() const {
    return options_.container == packager::HlsRendition::Container::kFmp4 ? "m4s" : "ts";
}

bool HlsChannel::ended() const {
    std::lock_guard lock(mu_);
    return ended_;
}

}  // namespace onair::server::hls
