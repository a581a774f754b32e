// SPDX-License-Identifier: Apache-2.0
#include "onair/server/hls/hls_channel.h"

#include <algorithm>

#include "onair/base/entity_tag.h"
#include "onair/format/hls/media_playlist.h"
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
    r.part_target = o.part_target_ticks;
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
      options_(RenditionOptions(options, segment_prefix_)),
      low_latency_(options.part_target_ticks > 0 && options.container == packager::HlsRendition::Container::kFmp4) {
    renditions_.emplace("src", std::make_unique<Rendition>(options_));
}

void HlsChannel::OnItem(const router::StreamItem& item) {
    bool changed = false;
    {
        std::lock_guard lock(mu_);
        const uint64_t before = VersionLocked();
        FeedLocked(*renditions_.at("src"), item);
        if (item.kind == router::StreamItem::Kind::kEnd) ended_ = true;
        changed = VersionLocked() != before;
    }
    // Outside the lock: the waiters it wakes take it to answer.
    if (changed) changes_.Notify();
}

void HlsChannel::OnRenditionItem(std::string_view rendition, const router::StreamItem& item) {
    bool changed = false;
    {
        std::lock_guard lock(mu_);
        auto it = renditions_.find(rendition);
        if (it == renditions_.end()) {
            if (item.kind == router::StreamItem::Kind::kEnd) return;
            it = renditions_.emplace(std::string(rendition), std::make_unique<Rendition>(options_)).first;
        }
        const uint64_t before = VersionLocked();
        FeedLocked(*it->second, item);
        changed = VersionLocked() != before;
    }
    if (changed) changes_.Notify();
}

uint64_t HlsChannel::VersionLocked() const {
    // Each only grows, so any change changes the sum.
    uint64_t version = 0;
    for (const auto& [name, r] : renditions_) version += r->packager.version();
    return version;
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
            AdvanceHintedLocked(r);
            break;
        case Kind::kEnd:
            r.packager.EndOfStream();
            r.ended = true;
            AdvanceHintedLocked(r);
            break;
    }
}

void HlsChannel::AdvanceHintedLocked(Rendition& r) {
    if (!r.hinted) return;
    Rendition::Hinted& h = *r.hinted;
    const uint64_t sent = h.stream->size();
    if (const auto open = r.packager.PartInProgress(); open && open->msn == h.msn && open->index == h.index) {
        // A chunk more (its bytes only grow: a prefix of the part's).
        if (open->bytes_so_far.size() > sent) (void)h.stream->Append(open->bytes_so_far.Slice(sent));
        return;
    }
    // It is complete (or, all its packets refused, a GAP part: never).
    const auto done = r.packager.Part(h.msn, h.index);
    if (done && done->size() >= sent) {
        if (done->size() > sent) (void)h.stream->Append(done->Slice(sent));
        h.stream->Close();
    } else {
        h.stream->Fail();
    }
    r.hinted.reset();
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
    const uint64_t version = VersionLocked();
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

const format::hls::MediaPlaylist& HlsChannel::ModelLocked(const std::string& name, Rendition& r) const {
    const uint64_t key = low_latency_ ? VersionLocked() : r.packager.version();
    if (r.model && r.cache_key == key) return *r.model;
    auto model = std::make_shared<format::hls::MediaPlaylist>(r.packager.PlaylistModel());
    if (low_latency_) {
        // Where the other renditions are, so a player switching to one
        // asks for its next part at once (6.2.5.3 / 4.4.5.4).
        std::vector<std::string> names;
        const auto listed = ListedLocked(&names);
        for (size_t i = 0; i < listed.size(); ++i) {
            if (names[i] == name) continue;
            const auto last = listed[i]->packager.LastPart();
            if (!last) continue;
            format::hls::RenditionReport report;
            report.uri = "../" + names[i] + "/index.m3u8";
            report.last_msn = last->msn;
            if (last->part) report.last_part = *last->part;
            model->rendition_reports.push_back(std::move(report));
        }
    }
    r.model = std::move(model);
    r.cache_key = key;
    r.playlist.reset();
    r.delta.reset();
    return *r.model;
}

HlsChannel::PlaylistRef HlsChannel::MediaPlaylistText(std::string_view rendition, bool delta) const {
    std::lock_guard lock(mu_);
    auto it = renditions_.find(rendition);
    if (it == renditions_.end() || !it->second->packager.has_segments()) return nullptr;
    Rendition& r = *it->second;
    const format::hls::MediaPlaylist& model = ModelLocked(it->first, r);
    if (delta && low_latency_) {
        if (!r.delta) r.delta = MakePlaylist(format::hls::WriteMediaPlaylist(format::hls::DeltaOf(model)));
        return r.delta;
    }
    if (!r.playlist) r.playlist = MakePlaylist(format::hls::WriteMediaPlaylist(model));
    return r.playlist;
}

std::optional<format::hls::BlockingAnswer> HlsChannel::Blocking(
    std::string_view rendition, const format::hls::DeliveryDirectives& directives) const {
    std::lock_guard lock(mu_);
    auto it = renditions_.find(rendition);
    if (it == renditions_.end() || !it->second->packager.has_segments()) return std::nullopt;
    return format::hls::AnswerBlockingRequest(directives, ModelLocked(it->first, *it->second));
}

HlsChannel::PartAnswer HlsChannel::FindPart(std::string_view rendition, uint64_t msn, uint32_t part) const {
    using Kind = PartAnswer::Kind;
    PartAnswer answer;
    if (!low_latency_) return answer;
    std::lock_guard lock(mu_);
    auto it = renditions_.find(rendition);
    if (it == renditions_.end()) return answer;
    Rendition& r = *it->second;
    if (auto done = r.packager.Part(msn, part)) {
        answer.kind = Kind::kComplete;
        answer.bytes = std::move(*done);
        return answer;
    }
    const auto open = r.packager.PartInProgress();
    if (!open) return answer;
    if (open->msn == msn && open->index == part) {
        if (!r.hinted) {
            r.hinted = Rendition::Hinted{msn, part, http::BodyStream::Make()};
            if (!open->bytes_so_far.empty()) (void)r.hinted->stream->Append(open->bytes_so_far);
        }
        answer.kind = Kind::kInProgress;
        answer.stream = r.hinted->stream;
        return answer;
    }
    // One or two parts past the one in progress (into the next segment
    // too): the player read a hint from an edge a moment ahead of this one.
    const bool ahead = (msn == open->msn && part > open->index && part <= open->index + 2) ||
                       (msn == open->msn + 1 && part <= 1);
    if (ahead) answer.kind = Kind::kAhead;
    return answer;
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
