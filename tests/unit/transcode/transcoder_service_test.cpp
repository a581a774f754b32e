// SPDX-License-Identifier: Apache-2.0
#include "onair/transcode/transcoder_service.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "onair/bus/in_process_bus.h"
#include "onair/codec/h264/avc_config.h"
#include "onair/codec/h264/nal.h"
#include "unit/transcode/synthetic_source.h"

namespace onair::transcode {
namespace {

using format::record::MediaRecord;
using format::record::RecordType;

/// A rendition record as kept by the test (the views of a record die with it).
struct Kept {
    RecordType type;
    uint64_t sequence;
    std::string rendition;
    media::Packet packet;
    media::CodecConfig config;
    std::string end_reason;
};

class Collector final : public bus::MediaSink {
public:
    void OnRecord(const MediaRecord& r) override {
        std::lock_guard lock(mu_);
        by_rendition_[std::string(r.rendition)].push_back(
            Kept{r.type, r.sequence, std::string(r.rendition), r.packet, r.config, std::string(r.end_reason)});
        cv_.notify_all();
    }
    /// Waits until every rendition in `names` has ended, or `timeout`.
    bool WaitEnded(const std::vector<std::string>& names, std::chrono::seconds timeout) {
        std::unique_lock lock(mu_);
        return cv_.wait_for(lock, timeout, [&] {
            for (const auto& n : names) {
                auto it = by_rendition_.find(n);
                if (it == by_rendition_.end() || it->second.empty() || it->second.back().type != RecordType::kEnd)
                    return false;
            }
            return true;
        });
    }
    std::map<std::string, std::vector<Kept>> records() {
        std::lock_guard lock(mu_);
        return by_rendition_;
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::map<std::string, std::vector<Kept>> by_rendition_;
};

/// Publishes a source as the ingest's exporter does: configs (and the
/// ladder) before every segment start, numbered from 0, dated now.
class SourcePublisher {
public:
    SourcePublisher(bus::Bus& bus, std::string ladder = "") : bus_(bus), ladder_(std::move(ladder)) {}
    void Config(const media::CodecConfig& c) {
        MediaRecord r = Header(c.kind == media::TrackKind::kVideo ? RecordType::kVideoConfig : RecordType::kAudioConfig);
        r.config = c;
        bus_.PublishMedia(r);
    }
    void Packet(const test::SyntheticSource& src, const media::Packet& p) {
        if (p.segment_start >= 0) {
            Config(src.video);
            Config(src.audio);
            if (!ladder_.empty()) {
                MediaRecord l = Header(RecordType::kLadder);
                l.ladder = base::SharedBuffer::Copy(std::string_view(ladder_));
                bus_.PublishMedia(l);
            }
        }
        MediaRecord r = Header(RecordType::kPacket);
        r.packet = p;
        r.packet.wallclock_ms = r.wallclock_ms;
        bus_.PublishMedia(r);
    }
    void End() {
        MediaRecord r = Header(RecordType::kEnd);
        r.end_reason = "publisher_left";
        bus_.PublishMedia(r);
    }
    void Skip(uint64_t n) { sequence_ += n; }
    uint64_t sequence() const { return sequence_; }

private:
    MediaRecord Header(RecordType type) {
        MediaRecord r;
        r.type = type;
        r.sequence = sequence_++;
        r.wallclock_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
        r.broadcast_id = "br_test";
        r.channel = "demo";
        return r;
    }
    bus::Bus& bus_;
    std::string ladder_;
    uint64_t sequence_ = 0;
};

const char* kLadder = R"([{"name":"240p","height":240,"video_kbps":400},{"name":"180p","height":180,"video_kbps":250,"profile":"baseline"}])";

struct Fixture {
    runtime::Metrics metrics;
    bus::InProcessBus bus{metrics};
    Collector out;
    std::unique_ptr<bus::Subscription> sub = bus.SubscribeMedia(0, out, bus::MediaTopic::kRenditions);
};

std::vector<std::pair<int64_t, int64_t>> SegmentStarts(const std::vector<media::Packet>& packets) {
    std::vector<std::pair<int64_t, int64_t>> starts;
    for (const auto& p : packets)
        if (p.kind == media::TrackKind::kVideo && p.segment_start >= 0) starts.emplace_back(p.segment_start, p.pts);
    return starts;
}

TEST(TranscoderService, RenditionsStartTheirSegmentsWhereTheSourceDoes) {
    const auto src = test::MakeSource(640, 360, 30, 30, 4.0);
    Fixture f;
    TranscoderOptions options;
    options.max_backlog = std::chrono::seconds(60);  // all of it comes at once: no rendition may be dropped
    TranscoderService service(f.bus, f.metrics, options);
    auto member = f.bus.SubscribeMediaGroup("transcoders", service);
    SourcePublisher pub(f.bus, kLadder);
    pub.Config(src.video);
    pub.Config(src.audio);
    const uint64_t first_packet_sequence = 2 + 3;  // two configs, then the repeat before segment 0
    for (const auto& p : src.packets) pub.Packet(src, p);
    pub.End();
    ASSERT_TRUE(f.out.WaitEnded({"240p", "180p"}, std::chrono::seconds(60)));

    std::vector<media::Packet> source_video;
    for (const auto& p : src.packets)
        if (p.kind == media::TrackKind::kVideo) source_video.push_back(p);
    const auto want = SegmentStarts(source_video);
    ASSERT_EQ(want.size(), 4u);
    auto records = f.out.records();
    ASSERT_EQ(records.size(), 2u);
    for (const auto& [name, rs] : records) {
        SCOPED_TRACE(name);
        ASSERT_FALSE(rs.empty());
        // Numbered from the base of the source record it started at, without a gap.
        EXPECT_EQ(rs.front().sequence, first_packet_sequence << 10);
        for (size_t i = 1; i < rs.size(); ++i) ASSERT_EQ(rs[i].sequence, rs[i - 1].sequence + 1);
        // A video config first, with the real SPS's codec string and the planned size.
        const auto& cfg = rs.front();
        ASSERT_EQ(cfg.type, RecordType::kVideoConfig);
        EXPECT_EQ(cfg.config.height, name == "240p" ? 240 : 180);
        EXPECT_EQ(cfg.config.width, name == "240p" ? 426 : 320);
        auto avcc = codec::h264::ParseAvcConfig(cfg.config.extradata);
        ASSERT_TRUE(avcc.ok()) << avcc.error().message;
        EXPECT_EQ(cfg.config.codec_string, codec::h264::CodecString(avcc->sps[0].span()[1], avcc->sps[0].span()[2],
                                                                    avcc->sps[0].span()[3]));
        EXPECT_EQ(avcc->profile_idc, name == "240p" ? 77 : 66);  // main, baseline
        std::vector<media::Packet> video;
        size_t audio = 0;
        for (const auto& r : rs) {
            if (r.type != RecordType::kPacket) continue;
            if (r.packet.kind == media::TrackKind::kAudio) {
                ++audio;
                continue;
            }
            video.push_back(r.packet);
            if (r.packet.segment_start >= 0) {
                EXPECT_TRUE(r.packet.keyframe);
                EXPECT_TRUE(codec::h264::ContainsIdr(r.packet.payload.span()));
            }
        }
        // Every source frame, and segment N at the source's segment N PTS.
        EXPECT_EQ(static_cast<int>(video.size()), src.video_frames);
        EXPECT_EQ(SegmentStarts(video), want);
        for (size_t i = 1; i < video.size(); ++i) EXPECT_GT(video[i].dts, video[i - 1].dts);
        EXPECT_GT(audio, 100u);
        EXPECT_EQ(rs.back().type, RecordType::kEnd);
        EXPECT_EQ(rs.back().end_reason, "source_ended");
    }
    EXPECT_EQ(f.metrics.gauge("onair_transcode_renditions", "").Value(), 0);
}

TEST(TranscoderService, NeverUpscalesTheDefaultLadder) {
    // 640x360 and the default 720p/480p/360p: nothing is below the source.
    const auto src = test::MakeSource(640, 360, 30, 30, 1.0);
    Fixture f;
    TranscoderService service(f.bus, f.metrics, TranscoderOptions{});
    auto member = f.bus.SubscribeMediaGroup("transcoders", service);
    SourcePublisher pub(f.bus);
    for (const auto& p : src.packets) pub.Packet(src, p);
    pub.End();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_TRUE(f.out.records().empty());
    EXPECT_EQ(f.metrics.counter("onair_transcode_broadcasts_started_total", "").Value(), 0u);
}

TEST(TranscoderService, CorruptFramesAreCountedAndTheBroadcastGoesOn) {
    const auto src = test::MakeSource(640, 360, 30, 30, 2.0);
    Fixture f;
    TranscoderOptions options;
    options.max_backlog = std::chrono::seconds(60);
    TranscoderService service(f.bus, f.metrics, options);
    auto member = f.bus.SubscribeMediaGroup("transcoders", service);
    SourcePublisher pub(f.bus, kLadder);
    int n = 0;
    for (const auto& p : src.packets) {
        media::Packet q = p;
        if (p.kind == media::TrackKind::kVideo && p.segment_start < 0 && ++n % 7 == 0) {
            std::vector<uint8_t> junk = {0, 0, 0, 6, 0x41, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};  // a slice of garbage
            q.payload = base::SharedBuffer::Adopt(std::move(junk));
        }
        pub.Packet(src, q);
    }
    pub.End();
    ASSERT_TRUE(f.out.WaitEnded({"240p", "180p"}, std::chrono::seconds(60)));
    EXPECT_GT(f.metrics.counter("onair_transcode_errors_total", "").Value(), 0u);
    for (const auto& [name, rs] : f.out.records()) {
        EXPECT_EQ(SegmentStarts([&] {
                      std::vector<media::Packet> v;
                      for (const auto& r : rs)
                          if (r.type == RecordType::kPacket) v.push_back(r.packet);
                      return v;
                  }()).size(),
                  2u)
            << name;
        EXPECT_EQ(rs.back().end_reason, "source_ended") << name;
    }
}

TEST(TranscoderService, FallingBehindDropsTheLargestRenditionFirst) {
    // Ten seconds of source at once: far more than 500 ms behind.
    const auto src = test::MakeSource(640, 360, 30, 30, 10.0);
    Fixture f;
    TranscoderOptions options;
    options.max_backlog = std::chrono::milliseconds(500);
    TranscoderService service(f.bus, f.metrics, options);
    auto member = f.bus.SubscribeMediaGroup("transcoders", service);
    SourcePublisher pub(f.bus, kLadder);
    for (const auto& p : src.packets) pub.Packet(src, p);
    pub.End();
    ASSERT_TRUE(f.out.WaitEnded({"240p", "180p"}, std::chrono::seconds(60)));
    auto records = f.out.records();
    EXPECT_EQ(records["240p"].back().end_reason, "overload");
    EXPECT_GE(f.metrics.counter("onair_transcode_renditions_dropped_total", "").Value(), 1u);
    // The smallest goes last: if both went, 240p went first (its end has the
    // lower position in the stream of packets made).
    size_t packets_240 = 0, packets_180 = 0;
    for (const auto& r : records["240p"]) packets_240 += r.type == RecordType::kPacket;
    for (const auto& r : records["180p"]) packets_180 += r.type == RecordType::kPacket;
    EXPECT_LE(packets_240, packets_180);
}

TEST(TranscoderService, MissingSourceRecordsRestartTheRenditionsAtTheNextSegment) {
    const auto src = test::MakeSource(640, 360, 30, 30, 4.0);
    Fixture f;
    TranscoderOptions options;
    options.max_backlog = std::chrono::seconds(60);
    TranscoderService service(f.bus, f.metrics, options);
    auto member = f.bus.SubscribeMediaGroup("transcoders", service);
    SourcePublisher pub(f.bus, kLadder);
    uint64_t restart_at = 0;
    for (const auto& p : src.packets) {
        if (p.segment_start == 2) {
            pub.Skip(5);  // lost records
            restart_at = pub.sequence() + 3;  // the repeated configs and ladder come first
        }
        pub.Packet(src, p);
        // Give the pipeline time to hand out what it has before the gap.
        if (p.segment_start == 1) std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    pub.End();
    ASSERT_TRUE(f.out.WaitEnded({"240p", "180p"}, std::chrono::seconds(60)));
    EXPECT_EQ(f.metrics.counter("onair_transcode_restarts_total", "").Value(), 1u);
    for (const auto& [name, rs] : f.out.records()) {
        SCOPED_TRACE(name);
        // The second series starts above every number of the first.
        size_t jump = 0;
        for (size_t i = 1; i < rs.size(); ++i)
            if (rs[i].sequence != rs[i - 1].sequence + 1) {
                ++jump;
                EXPECT_GT(rs[i].sequence, rs[i - 1].sequence);
                EXPECT_EQ(rs[i].sequence, restart_at << 10);
                EXPECT_EQ(rs[i].type, RecordType::kVideoConfig);
            }
        EXPECT_EQ(jump, 1u);
    }
}

}  // namespace
}  // namespace onair::transcode
