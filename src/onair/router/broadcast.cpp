// SPDX-License-Identifier: Apache-2.0
#include "onair/router/broadcast.h"

#include "onair/runtime/wall_clock.h"

namespace onair::router {

namespace {
packager::Segmenter MakeSegmenter(const BroadcastOptions& o) {
    packager::Segmenter::Options so;
    so.target_duration = o.segment_target_ticks;
    return packager::Segmenter(so);
}
}  // namespace

Broadcast::Broadcast(std::string channel, std::string id, const BroadcastOptions& options)
    : channel_(std::move(channel)),
      id_(std::move(id)),
      options_(options),
      segmenter_(MakeSegmenter(options)),
      gop_cache_(options.gop_cache_bytes) {}

std::function<void()> Broadcast::Attach(uint64_t publisher_id, std::function<void()> evict) {
    std::lock_guard lock(mu_);
    std::function<void()> previous;
    if (publisher_ != 0) {
        previous = std::move(evict_);
        ++stats_.takeovers;
    }
    if (stats_.packets > 0) {
        // A takeover or a republish within the grace period: the timeline
        // continues, marked as a discontinuity.
        pending_discontinuity_ = true;
        normalizer_.Rebase();
        gop_cache_.Clear();
    }
    publisher_ = publisher_id;
    evict_ = std::move(evict);
    return previous;
}

bool Broadcast::Detach(uint64_t publisher_id) {
    std::lock_guard lock(mu_);
    if (publisher_ != publisher_id) return false;
    publisher_ = 0;
    evict_ = nullptr;
    return true;
}

bool Broadcast::has_publisher() const {
    std::lock_guard lock(mu_);
    return publisher_ != 0;
}

void Broadcast::SetVideoConfig(uint64_t publisher_id, const media::CodecConfig& config) {
    std::lock_guard lock(mu_);
    if (publisher_ != publisher_id) return;
    if (video_config_ && *video_config_ == config) return;
    video_config_ = std::make_shared<const media::CodecConfig>(config);
    segmenter_.SetHasVideo(true);
    StreamItem item;
    item.kind = StreamItem::Kind::kVideoConfig;
    item.config = video_config_;
    FanOutLocked(item);
}

void Broadcast::SetAudioConfig(uint64_t publisher_id, const media::CodecConfig& config) {
    std::lock_guard lock(mu_);
    if (publisher_ != publisher_id) return;
    if (audio_config_ && *audio_config_ == config) return;
    audio_config_ = std::make_shared<const media::CodecConfig>(config);
    StreamItem item;
    item.kind = StreamItem::Kind::kAudioConfig;
    item.config = audio_config_;
    FanOutLocked(item);
}

void Broadcast::SetMetadata(uint64_t publisher_id, base::SharedBuffer amf0_onmetadata) {
    std::lock_guard lock(mu_);
    if (publisher_ != publisher_id) return;
    metadata_ = std::move(amf0_onmetadata);
    StreamItem item;
    item.kind = StreamItem::Kind::kMetadata;
    item.metadata = metadata_;
    FanOutLocked(item);
}

Broadcast::PushResult Broadcast::Push(uint64_t publisher_id, media::Packet packet) {
    PushResult result;
    // Read once, here, and carried with the packet: packagers date segments
    // by it rather than by their own clock when they happen to see it.
    if (packet.wallclock_ms == 0) packet.wallclock_ms = runtime::WallClockMs();
    std::lock_guard lock(mu_);
    if (publisher_ != publisher_id || ended_) return result;
    result.accepted = true;
    const bool has_video = video_config_ != nullptr;
    if (pending_discontinuity_) {
        // Resume only where a decoder can: a video keyframe (or any audio
        // frame of an audio-only stream).
        const bool start_point =
            has_video ? (packet.kind == media::TrackKind::kVideo && packet.keyframe) : true;
        if (!start_point) return result;
        packet.discontinuity = true;
        pending_discontinuity_ = false;
    }
    const auto ts = normalizer_.Normalize(packet.kind, packet.dts, packet.pts);
    packet.dts = ts.dts;
    packet.pts = ts.pts;
    if (ts.restamped) {
        result.restamped = true;
        ++stats_.restamped;
    }
    const auto stamp = segmenter_.Stamp(packet);
    if (stamp.long_gop) {
        result.long_gop = true;
        result.gop_ticks = stamp.gop_duration;
        stats_.last_gop_ticks = stamp.gop_duration;
    }
    ++stats_.packets;
    stats_.bytes += packet.payload.size();
    gop_cache_.Add(packet, has_video);
    StreamItem item;
    item.kind = StreamItem::Kind::kPacket;
    item.packet = std::move(packet);
    FanOutLocked(item);
    return result;
}

void Broadcast::Subscribe(const std::shared_ptr<Subscriber>& subscriber, bool from_gop_cache) {
    std::lock_guard lock(mu_);
    StreamItem item;
    if (video_config_) {
        item.kind = StreamItem::Kind::kVideoConfig;
        item.config = video_config_;
        subscriber->OnItem(item);
    }
    if (audio_config_) {
        item.kind = StreamItem::Kind::kAudioConfig;
        item.config = audio_config_;
        subscriber->OnItem(item);
    }
    item.config.reset();
    if (!metadata_.empty()) {
        item.kind = StreamItem::Kind::kMetadata;
        item.metadata = metadata_;
        subscriber->OnItem(item);
        item.metadata = {};
    }
    if (from_gop_cache) {
        item.kind = StreamItem::Kind::kPacket;
        for (const auto& p : gop_cache_.packets()) {
            item.packet = p;
            subscriber->OnItem(item);
        }
    }
    if (ended_) {
        StreamItem end;
        end.kind = StreamItem::Kind::kEnd;
        subscriber->OnItem(end);
        return;
    }
    subscribers_.push_back(subscriber);
    stats_.subscribers = subscribers_.size();
    stats_.viewers += subscriber->is_viewer() ? 1 : 0;
}

void Broadcast::Unsubscribe(const Subscriber* subscriber) {
    std::lock_guard lock(mu_);
    const size_t removed = std::erase_if(subscribers_, [&](const auto& s) { return s.get() == subscriber; });
    stats_.subscribers = subscribers_.size();
    if (removed > 0 && subscriber->is_viewer()) --stats_.viewers;
}

void Broadcast::End() {
    std::vector<std::shared_ptr<Subscriber>> subs;
    {
        std::lock_guard lock(mu_);
        if (ended_) return;
        ended_ = true;
        StreamItem end;
        end.kind = StreamItem::Kind::kEnd;
        FanOutLocked(end);
        subs.swap(subscribers_);
        stats_.subscribers = 0;
        stats_.viewers = 0;
    }
}

void Broadcast::FanOutLocked(const StreamItem& item) {
    for (const auto& s : subscribers_) s->OnItem(item);
}

Broadcast::Stats Broadcast::stats() const {
    std::lock_guard lock(mu_);
    return stats_;
}

std::shared_ptr<const media::CodecConfig> Broadcast::video_config() const {
    std::lock_guard lock(mu_);
    return video_config_;
}

std::shared_ptr<const media::CodecConfig> Broadcast::audio_config() const {
    std::lock_guard lock(mu_);
    return audio_config_;
}

void Broadcast::SetLadder(std::string ladder_json) {
    std::lock_guard lock(ladder_mu_);
    ladder_ = std::move(ladder_json);
}

std::string Broadcast::ladder() const {
    std::lock_guard lock(ladder_mu_);
    return ladder_;
}

}  // namespace onair::router
