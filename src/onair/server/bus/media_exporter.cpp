// SPDX-License-Identifier: Apache-2.0
#include "onair/server/bus/media_exporter.h"

#include "onair/runtime/wall_clock.h"

namespace onair::server::bus {

namespace {

using format::record::MediaRecord;
using format::record::RecordType;

/// One broadcast's records. Called under the broadcast's lock, so items
/// arrive one at a time, in order.
class BroadcastExporter final : public router::Subscriber {
public:
    /// `broadcast` owns this subscriber, so it outlives it.
    BroadcastExporter(onair::bus::Bus& bus, const router::Broadcast& broadcast)
        : bus_(bus), broadcast_(broadcast), broadcast_id_(broadcast.id()), channel_(broadcast.channel()) {}

    void OnItem(const router::StreamItem& item) override {
        using Kind = router::StreamItem::Kind;
        switch (item.kind) {
            case Kind::kVideoConfig:
                video_ = item.config;
                Send(RecordType::kVideoConfig, runtime::WallClockMs());
                break;
            case Kind::kAudioConfig:
                audio_ = item.config;
                Send(RecordType::kAudioConfig, runtime::WallClockMs());
                break;
            case Kind::kMetadata:
                metadata_ = item.metadata;
                Send(RecordType::kMetadata, runtime::WallClockMs());
                break;
            case Kind::kPacket: {
                const auto& p = item.packet;
                const int64_t at = p.wallclock_ms > 0 ? p.wallclock_ms : runtime::WallClockMs();
                if (p.segment_start >= 0) {
                    // A consumer may start here: everything it needs first.
                    if (video_) Send(RecordType::kVideoConfig, at);
                    if (audio_) Send(RecordType::kAudioConfig, at);
                    if (!metadata_.empty()) Send(RecordType::kMetadata, at);
                    // The channel's ladder, for a transcoder that starts here.
                    if (std::string ladder = broadcast_.ladder(); !ladder.empty()) {
                        MediaRecord l = Header(RecordType::kLadder, at);
                        l.ladder = base::SharedBuffer::Copy(std::string_view(ladder));
                        bus_.PublishMedia(l);
                    }
                }
                MediaRecord r = Header(RecordType::kPacket, at);
                r.packet = p;
                bus_.PublishMedia(r);
                break;
            }
            case Kind::kEnd: {
                MediaRecord r = Header(RecordType::kEnd, runtime::WallClockMs());
                r.end_reason = "ended";
                bus_.PublishMedia(r);
                break;
            }
        }
    }

private:
    MediaRecord Header(RecordType type, int64_t at) {
        MediaRecord r;
        r.type = type;
        r.sequence = next_sequence_++;
        r.wallclock_ms = at;
        r.broadcast_id = broadcast_id_;
        r.channel = channel_;
        return r;
    }

    void Send(RecordType type, int64_t at) {
        MediaRecord r = Header(type, at);
        if (type == RecordType::kVideoConfig && video_) r.config = *video_;
        if (type == RecordType::kAudioConfig && audio_) r.config = *audio_;
        if (type == RecordType::kMetadata) r.metadata = metadata_;
        bus_.PublishMedia(r);
    }

    onair::bus::Bus& bus_;
    const router::Broadcast& broadcast_;
    const std::string broadcast_id_;
    const std::string channel_;
    uint64_t next_sequence_ = 0;
    std::shared_ptr<const media::CodecConfig> video_;
    std::shared_ptr<const media::CodecConfig> audio_;
    base::SharedBuffer metadata_;
};

}  // namespace

void MediaExporter::OnBroadcastStarted(const std::shared_ptr<router::Broadcast>& broadcast) {
    broadcast->Subscribe(std::make_shared<BroadcastExporter>(bus_, *broadcast), /*from_gop_cache=*/true);
}

void MediaExporter::OnBroadcastEnded(const std::shared_ptr<router::Broadcast>& /*broadcast*/) {
    // The broadcast sent its kEnd item to the exporter already.
}

}  // namespace onair::server::bus
