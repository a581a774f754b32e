// SPDX-License-Identifier: Apache-2.0
// End to end with the real ffprobe/ffmpeg: a source made by ffmpeg (x264
// with B-frames + AAC in FLV), demuxed by our flv::TagDemuxer, written by
// us (a) as an init segment + CMAF fragments, one per GOP, and (b) as a
// progressive faststart MP4; both must read back as H.264 + AAC with every
// frame, the right duration, and decode without an error.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "onair/format/flv/tag_demuxer.h"
#include "onair/format/mp4/fragment_builder.h"
#include "onair/format/mp4/fragment_reader.h"
#include "onair/format/mp4/init_reader.h"
#include "onair/format/mp4/init_segment.h"
#include "onair/format/mp4/movie_writer.h"
#include "unit/format/mp4/mp4_test_util.h"
#include "unit/format/mpegts/ffprobe_test_util.h"

namespace onair::format::mp4 {
namespace {

using namespace test;

struct Source {
    media::CodecConfig video, audio;
    std::vector<media::Packet> packets;  // in FLV (decode) order
    size_t video_frames = 0, audio_frames = 0;
};

// A tiny FLV file reader: header, then tags (type, 24-bit size, 24+8-bit
// timestamp, stream id, body, previous tag size) fed to the TagDemuxer.
Source ReadFlv(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    const Bytes file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Source s;
    EXPECT_GE(file.size(), 13u);
    if (file.size() < 13) return s;
    EXPECT_EQ(std::string(file.begin(), file.begin() + 3), "FLV");
    size_t at = U32At(file, 5) + 4;
    flv::TagDemuxer demuxer;
    while (at + 11 <= file.size()) {
        const uint8_t type = file[at] & 0x1f;
        const size_t size = (size_t{file[at + 1]} << 16) | (size_t{file[at + 2]} << 8) | file[at + 3];
        const uint32_t ts = (uint32_t{file[at + 7]} << 24) | (uint32_t{file[at + 4]} << 16) |
                            (uint32_t{file[at + 5]} << 8) | file[at + 6];
        if (at + 11 + size > file.size()) break;
        const auto body = base::SharedBuffer::Copy(std::span(file).subspan(at + 11, size));
        at += 11 + size + 4;
        if (type != 8 && type != 9) continue;
        auto d = type == 9 ? demuxer.Video(body, ts) : demuxer.Audio(body, ts);
        EXPECT_TRUE(d.ok()) << d.error().message;
        if (!d.ok()) continue;
        if (d->kind == flv::Demuxed::Kind::kConfig) {
            (d->config.kind == media::TrackKind::kVideo ? s.video : s.audio) = d->config;
        } else if (d->kind == flv::Demuxed::Kind::kPacket) {
            ++(d->packet.kind == media::TrackKind::kVideo ? s.video_frames : s.audio_frames);
            s.packets.push_back(d->packet);
        }
    }
    return s;
}

nlohmann::json Probe(const std::string& path) {
    const std::string out = onair::test::RunCommand("ffprobe -v error -show_format -show_streams -count_frames -of json '" +
                                                    path + "'");
    auto j = nlohmann::json::parse(out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << out;
    return j;
}

const nlohmann::json* StreamOf(const nlohmann::json& probe, const std::string& type) {
    for (const auto& s : probe["streams"]) {
        if (s.value("codec_type", "") == type) return &s;
    }
    return nullptr;
}

int64_t Int(const nlohmann::json& s, const char* key) { return std::stoll(s.value(key, std::string("-1"))); }
double Seconds(const nlohmann::json& s, const char* key) { return std::stod(s.value(key, std::string("-1"))); }

void WriteFile(const std::string& path, const std::vector<base::SharedBuffer>& pieces) {
    std::ofstream out(path, std::ios::binary);
    for (const auto& p : pieces) out.write(reinterpret_cast<const char*>(p.data()), static_cast<std::streamsize>(p.size()));
}

class Mp4FfprobeTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (!onair::test::HaveTool("ffprobe") || !onair::test::HaveTool("ffmpeg")) GTEST_SKIP() << "ffprobe/ffmpeg not installed";
        // One source per test: ctest runs the tests of this binary in parallel.
        const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
        const std::string flv_path = ::testing::TempDir() + "/onair_mp4_" + name + ".flv";
        onair::test::RunCommand("ffmpeg -nostdin -y -v error -f lavfi -i testsrc2=size=320x240:rate=30 -f lavfi -i "
                                "sine=frequency=440:sample_rate=44100 -t 3 -c:v libx264 -bf 2 -g 30 -pix_fmt yuv420p "
                                "-c:a aac -f flv '" + flv_path + "'");
        source_ = ReadFlv(flv_path);
        ASSERT_EQ(source_.video.codec, media::Codec::kH264);
        ASSERT_EQ(source_.audio.codec, media::Codec::kAac);
        ASSERT_EQ(source_.video_frames, 90u);
        ASSERT_GT(source_.audio_frames, 120u);
        tracks_ = {Track{kVideoTrackId, 90000, source_.video},
                   Track{kAudioTrackId, static_cast<uint32_t>(source_.audio.sample_rate), source_.audio}};
        origin_ = source_.packets.front().dts;
        for (const auto& p : source_.packets) origin_ = std::min(origin_, p.dts);
    }

    // Calls fn(fragment's track fragments) per GOP, as the origin cuts them:
    // at each video keyframe, the next packets' DTS ending the last samples.
    template <typename Fn>
    void ForEachGop(Fn&& fn) {
        FragmentBuilder b(tracks_, origin_);
        const auto& ps = source_.packets;
        auto next_dts = [&](size_t from, media::TrackKind kind) -> std::optional<int64_t> {
            for (size_t i = from; i < ps.size(); ++i) {
                if (ps[i].kind == kind) return ps[i].dts;
            }
            return std::nullopt;
        };
        for (size_t i = 0; i < ps.size(); ++i) {
            if (ps[i].kind == media::TrackKind::kVideo && ps[i].keyframe && !b.empty()) {
                fn(b.TakeTrackFragments(ps[i].dts, next_dts(i, media::TrackKind::kAudio)));
            }
            b.Add(ps[i]);
        }
        fn(b.TakeTrackFragments(std::nullopt, std::nullopt));
    }

    Source source_;
    std::vector<Track> tracks_;
    int64_t origin_ = 0;
};

TEST_F(Mp4FfprobeTest, InitAndFragmentsReadAsH264AndAac) {
    std::vector<base::SharedBuffer> file = {WriteInitSegment(tracks_)};
    const std::string dir = ::testing::TempDir();
    const std::string init_path = dir + "/onair_mp4_init.mp4";
    WriteFile(init_path, {file[0]});
    auto read_back = ReadInitSegment(file[0].span());
    ASSERT_TRUE(read_back.ok()) << read_back.error().message;
    ASSERT_EQ(read_back->size(), 2u);
    EXPECT_EQ((*read_back)[0].config, source_.video);
    EXPECT_EQ((*read_back)[0].config.codec_string, source_.video.codec_string);
    EXPECT_EQ((*read_back)[0].config.width, 320);
    EXPECT_EQ((*read_back)[1].config, source_.audio);
    EXPECT_EQ((*read_back)[1].config.channels, source_.audio.channels);
    std::string playlist = "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n"
                           "#EXT-X-MAP:URI=\"onair_mp4_init.mp4\"\n";
    uint32_t sequence = 0;
    uint64_t video_ticks = 0, audio_ticks = 0, audio_start = 0;
    ForEachGop([&](const std::vector<TrackFragment>& frags) {
        const FragmentBytes bytes = WriteFragment(++sequence, frags);
        std::vector<base::SharedBuffer> pieces = {bytes.header};
        pieces.insert(pieces.end(), bytes.payloads.begin(), bytes.payloads.end());
        file.insert(file.end(), pieces.begin(), pieces.end());
        // Our reader reads the real fragment back.
        Bytes flat;
        for (const auto& p : pieces) flat.insert(flat.end(), p.span().begin(), p.span().end());
        auto parsed = ReadFragment(flat);
        ASSERT_TRUE(parsed.ok()) << parsed.error().message;
        ASSERT_EQ(parsed->tracks.size(), frags.size());
        for (size_t i = 0; i < frags.size(); ++i) EXPECT_EQ(parsed->tracks[i].samples, frags[i].samples);
        const std::string name = "onair_mp4_frag" + std::to_string(sequence) + ".m4s";
        WriteFile(dir + "/" + name, pieces);
        uint64_t d = 0;
        for (const auto& f : frags) {
            uint64_t sum = 0;
            for (const auto& s : f.samples) sum += s.duration;
            if (f.track_id == kVideoTrackId) {
                d = sum;
                video_ticks += sum;
            }
            if (f.track_id == kAudioTrackId && audio_ticks == 0) audio_start = f.base_decode_time;
            if (f.track_id == kAudioTrackId) audio_ticks += sum;
        }
        playlist += "#EXTINF:" + std::to_string(static_cast<double>(d) / 90000) + ",\n" + name + "\n";
    });
    EXPECT_EQ(sequence, 3u) << "a GOP of 30 frames: 3 fragments";
    playlist += "#EXT-X-ENDLIST\n";
    const std::string path = dir + "/onair_mp4_fragmented.mp4";
    WriteFile(path, file);

    const auto probe = Probe(path);
    const auto* v = StreamOf(probe, "video");
    const auto* a = StreamOf(probe, "audio");
    ASSERT_TRUE(v && a) << probe.dump();
    EXPECT_EQ(v->value("codec_name", ""), "h264");
    EXPECT_EQ(v->value("width", 0), 320);
    EXPECT_EQ(a->value("codec_name", ""), "aac");
    EXPECT_EQ(a->value("sample_rate", ""), "44100");
    EXPECT_EQ(Int(*v, "nb_read_frames"), static_cast<int64_t>(source_.video_frames));
    EXPECT_EQ(Int(*a, "nb_read_frames"), static_cast<int64_t>(source_.audio_frames));
    // The longer track's end: audio here (it starts 44 ms in, and ends later).
    const double end = std::max(static_cast<double>(video_ticks) / 90000,
                                static_cast<double>(audio_start + audio_ticks) / tracks_[1].timescale);
    EXPECT_NEAR(Seconds(probe["format"], "duration"), end, 1.0 / 30);
    EXPECT_EQ(onair::test::RunCommand("ffmpeg -nostdin -v error -i '" + path + "' -f null -"), "");

    // The same fragments as an fMP4 HLS VOD playlist.
    const std::string m3u8 = dir + "/onair_mp4.m3u8";
    std::ofstream(m3u8) << playlist;
    const auto hls = onair::test::RunCommand("ffprobe -v error -count_frames -show_entries stream=codec_name,nb_read_frames "
                                             "-of csv=p=0 '" + m3u8 + "'");
    EXPECT_NE(hls.find("h264,90"), std::string::npos) << hls;
    EXPECT_NE(hls.find("aac," + std::to_string(source_.audio_frames)), std::string::npos) << hls;
}

TEST_F(Mp4FfprobeTest, ProgressiveMovieIsFaststartAndDecodes) {
    MovieTrack video{kVideoTrackId, 90000, {source_.video}, {}, {}, 0};
    MovieTrack audio{kAudioTrackId, tracks_[1].timescale, {source_.audio}, {}, {}, 0};
    std::vector<base::SharedBuffer> mdat;
    uint64_t mdat_size = 0;
    bool first = true;
    ForEachGop([&](const std::vector<TrackFragment>& frags) {
        // One chunk per track per GOP, video then audio.
        for (const auto& f : frags) {
            MovieTrack& t = f.track_id == kVideoTrackId ? video : audio;
            if (first || t.samples.empty()) t.start_offset = f.base_decode_time;
            t.chunks.push_back(Chunk{static_cast<uint32_t>(t.samples.size()), static_cast<uint32_t>(f.samples.size()),
                                     mdat_size, 1});
            t.samples.insert(t.samples.end(), f.samples.begin(), f.samples.end());
            for (const auto& p : f.payloads) {
                mdat.push_back(p);
                mdat_size += p.size();
            }
        }
        first = false;
    });
    const MovieTrack tracks[] = {video, audio};
    std::vector<base::SharedBuffer> file = {WriteMovieHeader(tracks, mdat_size)};
    const Bytes header(file[0].span().begin(), file[0].span().end());
    file.insert(file.end(), mdat.begin(), mdat.end());
    const std::string path = ::testing::TempDir() + "/onair_mp4_progressive.mp4";
    WriteFile(path, file);

    const auto moov = FindBox(header, {"moov"});
    ASSERT_TRUE(moov);
    EXPECT_EQ(TypeAt(header, moov->offset + moov->size), "mdat") << "faststart: moov before mdat";

    auto media = [](const MovieTrack& t) {
        uint64_t d = 0;
        for (const auto& s : t.samples) d += s.duration;
        return static_cast<double>(d) / t.timescale;
    };
    auto start = [](const MovieTrack& t) { return static_cast<double>(t.start_offset) / t.timescale; };
    const double expected = std::max(start(video) + media(video), start(audio) + media(audio));
    EXPECT_GT(audio.start_offset, 0u) << "the source's audio starts 44 ms after its video";
    const auto probe = Probe(path);
    const auto* v = StreamOf(probe, "video");
    const auto* a = StreamOf(probe, "audio");
    ASSERT_TRUE(v && a) << probe.dump();
    EXPECT_EQ(v->value("codec_name", ""), "h264");
    EXPECT_EQ(a->value("codec_name", ""), "aac");
    EXPECT_EQ(Int(*v, "nb_read_frames"), static_cast<int64_t>(source_.video_frames));
    EXPECT_EQ(Int(*a, "nb_read_frames"), static_cast<int64_t>(source_.audio_frames));
    EXPECT_NEAR(Seconds(probe["format"], "duration"), expected, 0.001) << "mvhd: the samples' total, to the ms";
    EXPECT_NEAR(Seconds(*v, "duration"), media(video), 1.0 / 30) << "within one frame";
    EXPECT_NEAR(Seconds(*v, "start_time"), 0, 0.0005) << "the B-frame delay edited out";
    EXPECT_NEAR(Seconds(*a, "duration"), media(audio), 1024.0 / 44100);
    EXPECT_NEAR(Seconds(*a, "start_time"), start(audio), 0.0005) << "the empty edit keeps A/V sync";
    EXPECT_EQ(onair::test::RunCommand("ffmpeg -nostdin -v error -i '" + path + "' -f null -"), "");
}

}  // namespace
}  // namespace onair::format::mp4
