// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <chrono>
#include <cstdint>
#include <mutex>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "onair/base/shared_buffer.h"
#include "onair/format/hls/delivery_directives.h"
#include "onair/format/hls/media_playlist.h"
#include "onair/packager/hls_rendition.h"
#include "onair/router/stream_item.h"
#include "onair/server/http/body_stream.h"
#include "onair/server/http/change_notifier.h"

namespace onair::server::hls {

struct HlsOptions {
    int64_t segment_target_ticks = 2 * 90000;
    size_t window_segments = 6;
    packager::HlsRendition::Container container = packager::HlsRendition::Container::kMpegTs;
    /// LL-HLS: PART-TARGET, 90 kHz (0: none; fMP4 only).
    int64_t part_target_ticks = 0;
};

/// The live HLS of one broadcast: the source as published ("src") and the
/// transcoded renditions of its ladder ("720p", ...), each its own media
/// playlist with the source's segment numbers (the renditions are
/// keyframe-aligned: segment N of each covers the same time). Fed from the
/// bus (one thread per topic), read by HTTP handlers on any thread.
class HlsChannel final : public router::Subscriber {
public:
    /// `broadcast_id` scopes the segment URIs ("<broadcast_id>-<n>.ts", or
    /// .m4s and "<broadcast_id>-init-<id>.mp4" with fMP4).
    HlsChannel(std::string channel, std::string_view broadcast_id, const HlsOptions& options);

    /// The source's items.
    void OnItem(const router::StreamItem& item) override;
    /// A transcoded rendition's items.
    void OnRenditionItem(std::string_view rendition, const router::StreamItem& item);

    /// A playlist as served: written once per version of what it lists and
    /// shared by every response until the next (no text and no copy per
    /// request), with its entity-tag.
    struct PlaylistText {
        base::SharedBuffer text;
        std::string etag;  // base::ContentTag of the text: the same on every edge
        std::string_view view() const {
            return {reinterpret_cast<const char*>(text.data()), text.size()};
        }
    };
    using PlaylistRef = std::shared_ptr<const PlaylistText>;

    /// Null until the first segment is complete (then the stream is playable).
    PlaylistRef MultivariantPlaylistText() const;
    /// The same as copied text (tests, tools).
    std::optional<std::string> MultivariantPlaylist() const;
    std::optional<std::string> MediaPlaylist(std::string_view rendition) const;
    std::optional<base::SharedBuffer> Segment(std::string_view rendition, uint64_t sequence) const;
    /// fMP4: the init segment `id` ("<prefix>init-<id>.mp4") a listed or
    /// grace segment of `rendition` needs; std::nullopt otherwise.
    std::optional<base::SharedBuffer> InitSegment(std::string_view rendition, std::string_view id) const;
    /// The segments' file extension ("ts" or "m4s").
    std::string_view segment_extension() const;

    // ---- LL-HLS (HlsOptions::part_target_ticks with fMP4) ----
    bool low_latency() const { return low_latency_; }
    /// Notified whenever a playlist of this channel may have changed (a part
    /// or segment completed, the stream ended): blocking playlist reloads
    /// and requests of a part not yet begun wait on it.
    http::ChangeNotifier& changes() const { return changes_; }
    /// The media playlist, whole or (`delta`: _HLS_skip) the delta update
    /// (EXT-X-SKIP), with an EXT-X-RENDITION-REPORT per other listed
    /// rendition. Written once per version of the channel, like the others.
    PlaylistRef MediaPlaylistText(std::string_view rendition, bool delta = false) const;
    /// What a blocking reload (_HLS_msn, _HLS_part) of `rendition` gets
    /// now; std::nullopt when there is no such playlist (yet).
    std::optional<format::hls::BlockingAnswer> Blocking(std::string_view rendition,
                                                        const format::hls::DeliveryDirectives& directives) const;
    /// A request of part `part` of segment `msn`:
    ///  - kComplete: its bytes;
    ///  - kInProgress: the part the preload hint names, still being written:
    ///    a stream of its bytes as they are written, shared by every
    ///    request of it (it ends when the part does);
    ///  - kAhead: a part just after the one in progress (this edge is a
    ///    moment behind the one the player read the hint from): wait on
    ///    changes() and ask again;
    ///  - kNone: no such part (gone, never, or too far ahead).
    struct PartAnswer {
        enum class Kind : uint8_t { kNone, kComplete, kInProgress, kAhead };
        Kind kind = Kind::kNone;
        base::SharedBuffer bytes;
        std::shared_ptr<http::BodyStream> stream;
    };
    PartAnswer FindPart(std::string_view rendition, uint64_t msn, uint32_t part) const;

    const std::string& channel() const { return channel_; }
    /// What every segment file name of this broadcast starts with.
    const std::string& segment_prefix() const { return segment_prefix_; }
    /// The broadcast (as the media records name it) this packager serves.
    std::string_view broadcast_id() const {
        return std::string_view(segment_prefix_).substr(0, segment_prefix_.size() - 1);
    }
    bool ended() const;

    /// The renditions the multivariant playlist lists now: the source
    /// first, then the others by height, tallest first.
    std::vector<std::string> ListedRenditions() const;

private:
    struct Rendition {
        explicit Rendition(const packager::HlsRendition::Options& options) : packager(options) {}
        packager::HlsRendition packager;
        std::optional<media::CodecConfig> video;
        std::optional<media::CodecConfig> audio;
        bool ended = false;
        // What is served of it, made at `cache_key` (its version; with
        // LL-HLS the channel's, since the rendition reports name the others).
        uint64_t cache_key = ~uint64_t{0};
        std::shared_ptr<const format::hls::MediaPlaylist> model;
        PlaylistRef playlist, delta;
        // LL-HLS: the stream of the hinted part, once a request asked for it.
        struct Hinted {
            uint64_t msn = 0;
            uint32_t index = 0;
            std::shared_ptr<http::BodyStream> stream;
        };
        std::optional<Hinted> hinted;
    };
    void FeedLocked(Rendition& r, const router::StreamItem& item);
    std::vector<const Rendition*> ListedLocked(std::vector<std::string>* names) const;
    uint64_t VersionLocked() const;
    /// The model of what `name` serves now (cached per version).
    const format::hls::MediaPlaylist& ModelLocked(const std::string& name, Rendition& r) const;
    /// Feeds the hinted part's stream what was written of it since.
    static void AdvanceHintedLocked(Rendition& r);

    const std::string channel_;
    const std::string segment_prefix_;
    const packager::HlsRendition::Options options_;
    const bool low_latency_;
    mutable http::ChangeNotifier changes_;
    mutable std::mutex mu_;
    std::map<std::string, std::unique_ptr<Rendition>, std::less<>> renditions_;  // "src" always
    bool ended_ = false;
    // The multivariant playlist, written when the sum of the renditions'
    // versions was multivariant_version_ (each only grows, so any change
    // changes the sum).
    mutable PlaylistRef multivariant_;
    mutable uint64_t multivariant_version_ = 0;
};

}  // namespace onair::server::hls
