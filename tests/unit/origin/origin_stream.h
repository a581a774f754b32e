// SPDX-License-Identifier: Apache-2.0
// A synthetic source broadcast as the ingest puts it on the bus: configs
// before every segment start, 30 fps video with a keyframe starting a 1 s
// segment every 30 frames, 22.05 kHz AAC, every record numbered.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "onair/format/record/media_record.h"
#include "unit/format/mpegts/ts_test_util.h"

namespace onair::origin::test {

using format::record::MediaRecord;
using format::record::RecordType;

inline constexpr int64_t kFrameTicks = 3000;  // 30 fps
inline constexpr int kFramesPerSegment = 30;

class SourceStream {
public:
    explicit SourceStream(std::string broadcast = "br_test1", std::string channel = "studio")
        : broadcast_(std::move(broadcast)), channel_(std::move(channel)) {}

    /// Records for `seconds` more seconds (whole segments).
    std::vector<MediaRecord> Next(int seconds) {
        std::vector<MediaRecord> out;
        for (int f = 0; f < seconds * kFramesPerSegment; ++f, ++frame_) {
            const int64_t dts = frame_ * kFrameTicks;
            if (frame_ % kFramesPerSegment == 0) {
                out.push_back(Config(onair::test::SampleVideoConfig(), RecordType::kVideoConfig));
                out.push_back(Config(onair::test::SampleAudioConfig(), RecordType::kAudioConfig));
            }
            // Audio due before this frame's DTS.
            while (audio_ticks() < dts) out.push_back(Audio());
            MediaRecord r = Base(RecordType::kPacket);
            r.packet.kind = media::TrackKind::kVideo;
            r.packet.codec = media::Codec::kH264;
            r.packet.dts = dts;
            r.packet.pts = dts + kFrameTicks;  // one frame of B-frame delay
            r.packet.keyframe = frame_ % kFramesPerSegment == 0;
            if (r.packet.keyframe) r.packet.segment_start = frame_ / kFramesPerSegment;
            r.packet.discontinuity = r.packet.keyframe && discontinuity_next_;
            if (r.packet.keyframe) discontinuity_next_ = false;
            r.packet.payload = Payload(400 + static_cast<size_t>(frame_ % 7) * 13, static_cast<uint8_t>(frame_));
            out.push_back(r);
            ++video_frames_;
        }
        return out;
    }
    MediaRecord End() {
        MediaRecord r = Base(RecordType::kEnd);
        r.end_reason = "publisher_left";
        return r;
    }
    /// The next segment start carries a discontinuity (a takeover).
    void Discontinue() { discontinuity_next_ = true; }

    int64_t video_frames() const { return video_frames_; }
    int64_t audio_frames() const { return audio_frames_; }
    const std::string& broadcast() const { return broadcast_; }

private:
    int64_t audio_ticks() const { return (audio_frames_ * 1024 * 90000) / 22050; }
    MediaRecord Base(RecordType type) {
        MediaRecord r;
        r.type = type;
        r.sequence = sequence_++;
        r.wallclock_ms = 1'800'000'000'000 + frame_ * 33;
        r.broadcast_id = broadcast_;
        r.channel = channel_;
        return r;
    }
    MediaRecord Config(media::CodecConfig c, RecordType type) {
        MediaRecord r = Base(type);
        r.config = std::move(c);
        return r;
    }
    MediaRecord Audio() {
        MediaRecord r = Base(RecordType::kPacket);
        r.packet.kind = media::TrackKind::kAudio;
        r.packet.codec = media::Codec::kAac;
        r.packet.dts = r.packet.pts = audio_ticks();
        r.packet.keyframe = true;
        r.packet.payload = Payload(120, 0xA0);
        ++audio_frames_;
        return r;
    }
    static base::SharedBuffer Payload(size_t nal_bytes, uint8_t fill) {
        std::vector<uint8_t> b(4 + nal_bytes, fill);
        b[0] = static_cast<uint8_t>(nal_bytes >> 24);
        b[1] = static_cast<uint8_t>(nal_bytes >> 16);
        b[2] = static_cast<uint8_t>(nal_bytes >> 8);
        b[3] = static_cast<uint8_t>(nal_bytes);
        b[4] = 0x41;
        return base::SharedBuffer::Adopt(std::move(b));
    }

    std::string broadcast_, channel_;
    uint64_t sequence_ = 0;
    int64_t frame_ = 0;
    int64_t video_frames_ = 0;
    int64_t audio_frames_ = 0;
    bool discontinuity_next_ = false;
};

/// A fresh directory under the test's temp dir.
inline std::filesystem::path TempDir(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() /
               ("onair-origin-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace onair::origin::test
