// SPDX-License-Identifier: Apache-2.0
// onair-transcode-bench: the ABR ladder made by onair's transcoder from an
// FLV file, through the same path as `onair serve` (source records on the
// in-process bus, TranscoderService as a group member, rendition records
// out), for scripts/bench/transcode_ladder.sh to put beside ffmpeg's CLI.
//
//   onair-transcode-bench FILE.flv [--preset veryfast] [--ladder JSON] [--realtime]
//
// Default: as fast as it goes (the whole file is queued at once; nothing may
// be dropped). --realtime: paced at the file's own rate, for the latency
// transcoding adds. Prints one JSON line: wall and CPU seconds (this
// process, user + system), the media duration, the real-time factor, per
// rendition the frames and bitrate, and the latency p50/p90/p99.
#include <sys/resource.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "onair/bus/in_process_bus.h"
#include "onair/format/flv/tag_demuxer.h"
#include "onair/packager/segmenter.h"
#include "onair/runtime/logger.h"
#include "onair/runtime/metrics.h"
#include "onair/runtime/wall_clock.h"
#include "onair/transcode/transcoder_service.h"

using namespace onair;
using format::record::MediaRecord;
using format::record::RecordType;

namespace {

struct Source {
    std::vector<media::CodecConfig> configs;  // video, audio (in order of appearance)
    std::vector<media::Packet> packets;
    int video_frames = 0;
    int64_t duration_ticks = 0;
};

uint32_t U24(const uint8_t* p) { return (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | p[2]; }

/// An FLV file's tags through the ingest's demuxer, segment starts stamped
/// by the ingest's Segmenter (2 s target), as the ingest would.
Source ReadFlv(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.size() < 13 || bytes[0] != 'F' || bytes[1] != 'L' || bytes[2] != 'V')
        throw std::runtime_error(path + ": not an FLV file");
    const auto all = base::SharedBuffer::Adopt(std::move(bytes));
    const auto data = all.span();
    Source src;
    format::flv::TagDemuxer demux;
    packager::Segmenter segmenter(packager::Segmenter::Options{});
    segmenter.SetHasVideo(true);
    int64_t first = -1, last = 0;
    for (size_t pos = 13; pos + 11 <= data.size();) {
        const uint8_t type = data[pos] & 0x1f;
        const uint32_t size = U24(&data[pos + 1]);
        const uint32_t ts = U24(&data[pos + 4]) | (uint32_t{data[pos + 7]} << 24);
        if (pos + 11 + size > data.size()) break;
        const auto body = all.Slice(pos + 11, size);
        pos += 11 + size + 4;
        if (type != 8 && type != 9) continue;
        auto d = type == 9 ? demux.Video(body, ts) : demux.Audio(body, ts);
        if (!d.ok()) throw std::runtime_error(d.error().message);
        if (d->kind == format::flv::Demuxed::Kind::kConfig) {
            src.configs.push_back(d->config);
        } else if (d->kind == format::flv::Demuxed::Kind::kPacket) {
            segmenter.Stamp(d->packet);
            if (d->packet.kind == media::TrackKind::kVideo) {
                ++src.video_frames;
                if (first < 0) first = d->packet.dts;
                last = d->packet.dts;
            }
            src.packets.push_back(d->packet);
        }
    }
    src.duration_ticks = src.video_frames > 1 ? (last - first) * src.video_frames / (src.video_frames - 1) : 0;
    return src;
}

class Collector final : public bus::MediaSink {
public:
    void OnRecord(const MediaRecord& r) override {
        std::lock_guard lock(mu_);
        auto& s = stats_[std::string(r.rendition)];
        if (r.type == RecordType::kPacket && r.packet.kind == media::TrackKind::kVideo) {
            ++s.frames;
            s.bytes += r.packet.payload.size();
        }
        if (r.type == RecordType::kEnd) {
            s.ended = true;
            s.reason = std::string(r.end_reason);
            cv_.notify_all();
        }
    }
    struct Stats {
        int frames = 0;
        uint64_t bytes = 0;
        bool ended = false;
        std::string reason;
    };
    std::map<std::string, Stats> WaitAllEnded(size_t renditions) {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] {
            if (stats_.size() < renditions) return false;
            for (const auto& [n, s] : stats_)
                if (!s.ended) return false;
            return true;
        });
        return stats_;
    }

private:
    std::mutex mu_;
    std::condition_variable cv_;
    std::map<std::string, Stats> stats_;
};

double CpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
    std::string file, preset = "veryfast", ladder_json;
    bool realtime = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--preset" && i + 1 < argc) preset = argv[++i];
        else if (a == "--ladder" && i + 1 < argc) ladder_json = argv[++i];
        else if (a == "--realtime") realtime = true;
        else if (!a.empty() && a[0] != '-') file = a;
        else {
            std::cerr << "usage: onair-transcode-bench FILE.flv [--preset P] [--ladder JSON] [--realtime]\n";
            return 2;
        }
    }
    if (file.empty()) {
        std::cerr << "usage: onair-transcode-bench FILE.flv [--preset P] [--ladder JSON] [--realtime]\n";
        return 2;
    }
    runtime::SetLogLevel("warn");
    Source src = ReadFlv(file);
    transcode::TranscoderOptions options;
    options.preset = preset;
    if (!ladder_json.empty()) {
        auto l = format::ladder::ParseLadder(ladder_json);
        if (!l.ok()) {
            std::cerr << l.error().message << "\n";
            return 2;
        }
        options.default_ladder = *l;
    }
    options.max_backlog = std::chrono::seconds(realtime ? 2 : 3600);  // as fast as it goes: never drop
    options.max_input_bytes = size_t{1} << 30;
    const media::CodecConfig* video = nullptr;
    for (const auto& c : src.configs)
        if (c.kind == media::TrackKind::kVideo && !video) video = &c;
    if (!video) {
        std::cerr << file << ": no video\n";
        return 1;
    }
    const size_t renditions = format::ladder::PlanLadder(options.default_ladder, video->width, video->height).size();

    runtime::Metrics metrics;
    bus::InProcessBus bus(metrics, bus::InProcessBusOptions{.retention_ms = 0, .retention_bytes = 0});
    Collector out;
    auto out_sub = bus.SubscribeMedia(0, out, bus::MediaTopic::kRenditions);
    transcode::TranscoderService service(bus, metrics, options);
    auto member = bus.SubscribeMediaGroup("bench", service);

    uint64_t sequence = 0;
    auto publish = [&](MediaRecord r) {
        r.sequence = sequence++;
        r.wallclock_ms = runtime::WallClockMs();
        r.broadcast_id = "bench";
        r.channel = "bench";
        bus.PublishMedia(r);
    };
    auto publish_configs = [&] {
        for (const auto& c : src.configs) {
            MediaRecord r;
            r.type = c.kind == media::TrackKind::kVideo ? RecordType::kVideoConfig : RecordType::kAudioConfig;
            r.config = c;
            publish(r);
        }
    };
    const double cpu0 = CpuSeconds();
    const auto t0 = std::chrono::steady_clock::now();
    const int64_t dts0 = src.packets.empty() ? 0 : src.packets.front().dts;
    for (const auto& p : src.packets) {
        if (realtime) {
            std::this_thread::sleep_until(t0 + std::chrono::microseconds((p.dts - dts0) * 1000 / 90));
        }
        if (p.segment_start >= 0) publish_configs();
        MediaRecord r;
        r.type = RecordType::kPacket;
        r.packet = p;
        r.packet.wallclock_ms = runtime::WallClockMs();
        publish(r);
    }
    MediaRecord end;
    end.type = RecordType::kEnd;
    end.end_reason = "publisher_left";
    publish(end);
    const auto stats = out.WaitAllEnded(renditions);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cpu = CpuSeconds() - cpu0;
    const double media_s = static_cast<double>(src.duration_ticks) / media::kTimescale;

    nlohmann::json result = {
        {"file", file},       {"preset", preset},          {"realtime", realtime},
        {"wall_s", wall},     {"cpu_s", cpu},              {"media_s", media_s},
        {"rtf", media_s / wall}, {"source_frames", src.video_frames},
    };
    bool complete = true;
    for (const auto& [name, s] : stats) {
        result["renditions"][name] = {{"frames", s.frames},
                                      {"video_kbps", media_s > 0 ? s.bytes * 8 / media_s / 1000 : 0},
                                      {"end", s.reason}};
        if (!realtime && (s.frames != src.video_frames || s.reason != "source_ended")) complete = false;
    }
    auto& latency = metrics.summary("onair_transcode_latency_seconds", "");
    result["latency_ms"] = {{"p50", latency.Quantile(0.5) * 1000},
                            {"p90", latency.Quantile(0.9) * 1000},
                            {"p99", latency.Quantile(0.99) * 1000}};
    result["complete"] = complete;
    std::cout << result.dump() << "\n";
    return complete ? 0 : 1;
}
