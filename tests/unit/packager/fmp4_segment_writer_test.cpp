// SPDX-License-Identifier: Apache-2.0
// Fmp4SegmentWriter read back with the format layer's readers: the init
// segment's tracks, the fragments' decode times (absolute), durations, sync
// flags and composition offsets, and parts that concatenate to the segment.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "onair/format/mp4/fragment_builder.h"
#include "onair/format/mp4/fragment_reader.h"
#include "onair/format/mp4/init_reader.h"
#include "onair/packager/fmp4_segment_writer.h"
#include "onair/packager/ts_segment_writer.h"
#include "unit/format/mpegts/ts_test_util.h"

namespace onair::packager {
namespace {

using Bytes = std::vector<uint8_t>;
constexpr int64_t kShift = 10 * media::kTimescale;  // not at 0: tfdt must be absolute

// The sample's first span (0.4 s, two GOPs), `kShift` later.
std::vector<media::Packet> Packets() {
    auto packets = test::SamplePackets(1);
    for (auto& p : packets) {
        p.dts += kShift;
        p.pts += kShift;
    }
    return packets;
}

std::vector<media::Packet> OfKind(const std::vector<media::Packet>& packets, media::TrackKind kind) {
    std::vector<media::Packet> out;
    for (const auto& p : packets)
        if (p.kind == kind) out.push_back(p);
    return out;
}

Fmp4SegmentWriter Configured() {
    Fmp4SegmentWriter w;
    EXPECT_TRUE(w.Configure(test::SampleVideoConfig(), test::SampleAudioConfig()).ok());
    return w;
}

TEST(Fmp4SegmentWriter, InitSegmentHasBothTracks) {
    Fmp4SegmentWriter w;
    EXPECT_FALSE(w.InitSegment());
    ASSERT_TRUE(w.Configure(test::SampleVideoConfig(), test::SampleAudioConfig()).ok());
    const auto init = w.InitSegment();
    ASSERT_TRUE(init);
    auto tracks = format::mp4::ReadInitSegment(init->span());
    ASSERT_TRUE(tracks.ok()) << tracks.error().message;
    ASSERT_EQ(tracks->size(), 2u);
    EXPECT_EQ((*tracks)[0].id, format::mp4::kVideoTrackId);
    EXPECT_EQ((*tracks)[0].timescale, 90000u);
    EXPECT_EQ((*tracks)[0].config.extradata.view(), test::SampleVideoConfig().extradata.view());
    EXPECT_EQ((*tracks)[1].id, format::mp4::kAudioTrackId);
    EXPECT_EQ((*tracks)[1].timescale, 22050u);
    EXPECT_EQ((*tracks)[1].config.extradata.view(), test::SampleAudioConfig().extradata.view());
    // The same configs, another writer: the same bytes.
    EXPECT_EQ(Configured().InitSegment()->view(), init->view());
    EXPECT_EQ(w.extension(), "m4s");
    EXPECT_FALSE(TsSegmentWriter().InitSegment());
}

TEST(Fmp4SegmentWriter, OneFragmentPerSegmentReadsBack) {
    auto w = Configured();
    const auto packets = Packets();
    w.Begin(5, false);
    for (const auto& p : packets) ASSERT_TRUE(w.Write(p).ok());
    EXPECT_GT(w.size(), 0u);
    const auto segment = w.Finish();
    auto f = format::mp4::ReadFragment(segment.span());
    ASSERT_TRUE(f.ok()) << f.error().message;
    EXPECT_EQ(f->size, segment.size());  // one moof + mdat, nothing else
    EXPECT_EQ(f->sequence_number, 5001u);
    EXPECT_EQ(f->sequence_number, Fmp4SegmentWriter::FragmentNumber(5, 0));
    ASSERT_EQ(f->tracks.size(), 2u);

    const auto video = OfKind(packets, media::TrackKind::kVideo);
    const auto& v = f->tracks[0];
    EXPECT_EQ(v.track_id, format::mp4::kVideoTrackId);
    EXPECT_EQ(v.base_decode_time, static_cast<uint64_t>(video.front().dts));  // 90 kHz, absolute
    ASSERT_EQ(v.samples.size(), video.size());
    bool b_frames = false;
    for (size_t i = 0; i < video.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(v.samples[i].sync, video[i].keyframe);
        EXPECT_EQ(v.samples[i].composition_offset, video[i].pts - video[i].dts);
        b_frames |= i + 1 < video.size() && video[i + 1].pts < video[i].pts;  // reordered
        const int64_t duration = i + 1 < video.size() ? video[i + 1].dts - video[i].dts
                                                      : video[i].dts - video[i - 1].dts;  // the step before
        EXPECT_EQ(v.samples[i].duration, static_cast<uint32_t>(duration));
        const auto bytes = segment.span().subspan(v.data_offset + [&] {
            size_t at = 0;
            for (size_t k = 0; k < i; ++k) at += v.samples[k].size;
            return at;
        }(), v.samples[i].size);
        EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), video[i].payload.span().begin(), video[i].payload.span().end()));
    }
    EXPECT_TRUE(b_frames);

    const auto audio = OfKind(packets, media::TrackKind::kAudio);
    const auto& a = f->tracks[1];
    EXPECT_EQ(a.track_id, format::mp4::kAudioTrackId);
    EXPECT_EQ(a.base_decode_time, format::mp4::ToTimescale(audio.front().dts, 22050));
    ASSERT_EQ(a.samples.size(), audio.size());
    for (const auto& s : a.samples) {
        EXPECT_TRUE(s.sync);
        EXPECT_EQ(s.duration, 1024u);
        EXPECT_EQ(s.composition_offset, 0);
    }
}

TEST(Fmp4SegmentWriter, PartsConcatenateToTheSegment) {
    auto w = Configured();
    const auto packets = Packets();
    // Parts of 0.1 s by DTS from the segment start, as a packager cuts them.
    constexpr int64_t kPart = media::kTimescale / 10;
    w.Begin(7, false);
    std::vector<base::SharedBuffer> parts;
    int64_t part_start = packets.front().dts;
    for (const auto& p : packets) {
        if (p.dts >= part_start + kPart) {
            parts.push_back(w.FinishPart());
            part_start += kPart;
        }
        ASSERT_TRUE(w.Write(p).ok());
    }
    parts.push_back(w.FinishPart());
    EXPECT_TRUE(w.FinishPart().empty());  // nothing since
    const auto segment = w.Finish();
    ASSERT_EQ(parts.size(), 4u);
    Bytes joined;
    for (const auto& p : parts) joined.insert(joined.end(), p.span().begin(), p.span().end());
    EXPECT_EQ(Bytes(segment.span().begin(), segment.span().end()), joined);

    size_t video_samples = 0;
    for (size_t i = 0; i < parts.size(); ++i) {
        SCOPED_TRACE(i);
        auto f = format::mp4::ReadFragment(parts[i].span());
        ASSERT_TRUE(f.ok()) << f.error().message;
        EXPECT_EQ(f->size, parts[i].size());
        EXPECT_EQ(f->sequence_number, Fmp4SegmentWriter::FragmentNumber(7, static_cast<uint32_t>(i)));
        ASSERT_FALSE(f->tracks.empty());
        // Each part's video starts at its first video packet's DTS.
        const auto video = OfKind(packets, media::TrackKind::kVideo);
        EXPECT_EQ(f->tracks[0].base_decode_time, static_cast<uint64_t>(video[video_samples].dts));
        video_samples += f->tracks[0].samples.size();
    }
    EXPECT_EQ(video_samples, OfKind(packets, media::TrackKind::kVideo).size());
}

TEST(Fmp4SegmentWriter, ChunksArePrefixesOfTheirPartAndShareTheSegmentsStorage) {
    auto w = Configured();
    EXPECT_TRUE(w.SupportsChunks());
    const auto packets = Packets();
    w.Begin(3, false);
    // A chunk after every video packet, a part after every fourth.
    std::vector<base::SharedBuffer> so_far, parts;
    int video = 0;
    uint32_t fragments = 0;
    for (const auto& p : packets) {
        ASSERT_TRUE(w.Write(p).ok());
        if (p.kind != media::TrackKind::kVideo) continue;
        so_far.push_back(w.FinishChunk());
        ++fragments;
        if (++video % 4 == 0) {
            parts.push_back(w.FinishPart());
            // Each of the part's bytes so far is a prefix of it.
            for (const auto& b : so_far) EXPECT_EQ(parts.back().view().substr(0, b.size()), b.view());
            EXPECT_EQ(so_far.back().size(), parts.back().size());  // nothing pending after the last chunk
            so_far.clear();
        }
    }
    parts.push_back(w.FinishPart());
    // A last fragment when audio came after the last chunk.
    if (parts.back().size() > (so_far.empty() ? 0 : so_far.back().size())) ++fragments;
    const auto segment = w.Finish();
    Bytes joined;
    for (const auto& p : parts) joined.insert(joined.end(), p.span().begin(), p.span().end());
    EXPECT_EQ(Bytes(segment.span().begin(), segment.span().end()), joined);
    // The chunks are numbered on through the segment.
    size_t at = 0;
    uint32_t n = 0;
    while (at < segment.size()) {
        auto f = format::mp4::ReadFragment(segment.span().subspan(at));
        ASSERT_TRUE(f.ok()) << f.error().message;
        EXPECT_EQ(f->sequence_number, Fmp4SegmentWriter::FragmentNumber(3, n++));
        at += f->size;
    }
    EXPECT_EQ(n, fragments);
    // The last part is a view of the segment's storage, not a copy (the
    // first ones may be of a smaller storage the segment outgrew).
    EXPECT_EQ(parts.back().data(), segment.data() + segment.size() - parts.back().size());
}

TEST(SegmentBuffer, SlicesStayValidWhenItGrows) {
    SegmentBuffer b;
    b.Reset(4);
    const uint8_t abc[] = {'a', 'b', 'c'};
    b.Append(abc);
    const auto first = b.Slice(0);
    for (int i = 0; i < 1000; ++i) b.Append(abc);  // outgrows the 4 bytes
    EXPECT_EQ(first.view(), "abc");
    EXPECT_EQ(b.size(), 3003u);
    EXPECT_EQ(b.Slice(3000).view(), "abc");
    EXPECT_EQ(b.Slice(3002, 10).view(), "c");  // clamped
    EXPECT_TRUE(b.Slice(5000).empty());
    b.Reset(0);
    EXPECT_EQ(b.size(), 0u);
    EXPECT_TRUE(b.Slice(0).empty());
    EXPECT_EQ(first.view(), "abc");  // still the old storage
    EXPECT_FALSE(TsSegmentWriter().SupportsChunks());
}

TEST(Fmp4SegmentWriter, ALoneSampleGetsADefaultNotAnEarlierSegmentsDuration) {
    // A writer that wrote a 25 fps segment before, and a fresh one: the
    // one-frame segment after it is the same bytes, 1/30 s and 1024.
    const auto packets = Packets();
    auto seasoned = Configured();
    seasoned.Begin(0, false);
    for (const auto& p : packets) ASSERT_TRUE(seasoned.Write(p).ok());
    (void)seasoned.Finish();
    auto fresh = Configured();
    const auto video = OfKind(packets, media::TrackKind::kVideo);
    const auto audio = OfKind(packets, media::TrackKind::kAudio);
    for (auto* w : {&seasoned, &fresh}) {
        w->Begin(1, false);
        ASSERT_TRUE(w->Write(video[0]).ok());
        ASSERT_TRUE(w->Write(audio[0]).ok());
    }
    const auto a = seasoned.Finish(), b = fresh.Finish();
    EXPECT_EQ(a.view(), b.view());
    auto f = format::mp4::ReadFragment(a.span());
    ASSERT_TRUE(f.ok());
    ASSERT_EQ(f->tracks.size(), 2u);
    EXPECT_EQ(f->tracks[0].samples.at(0).duration, 3000u);
    EXPECT_EQ(f->tracks[1].samples.at(0).duration, 1024u);
}

TEST(Fmp4SegmentWriter, TracksItCannotWrite) {
    Fmp4SegmentWriter w;
    media::CodecConfig other = test::SampleAudioConfig();
    other.codec = media::Codec::kUnknown;
    EXPECT_FALSE(w.Configure(test::SampleVideoConfig(), other).ok());
    auto tracks = format::mp4::ReadInitSegment(w.InitSegment()->span());
    ASSERT_TRUE(tracks.ok());
    EXPECT_EQ(tracks->size(), 1u);  // the video still is
    w.Begin(0, false);
    const auto packets = Packets();
    EXPECT_FALSE(w.Write(OfKind(packets, media::TrackKind::kAudio)[0]).ok());
    EXPECT_TRUE(w.Write(OfKind(packets, media::TrackKind::kVideo)[0]).ok());
    // Any config change waits for a segment start: the avcC is in the init.
    auto changed = test::SampleVideoConfig();
    Bytes avcc(changed.extradata.span().begin(), changed.extradata.span().end());
    avcc.back() ^= 1;
    changed.extradata = base::SharedBuffer::Adopt(std::move(avcc));
    EXPECT_TRUE(w.ChangesTracks(changed, other));
    EXPECT_FALSE(w.ChangesTracks(test::SampleVideoConfig(), other));
}

TEST(TsSegmentWriter, PartsConcatenateToTheSegment) {
    TsSegmentWriter w;
    ASSERT_TRUE(w.Configure(test::SampleVideoConfig(), test::SampleAudioConfig()).ok());
    const auto packets = Packets();
    w.Begin(3, false);
    std::vector<base::SharedBuffer> parts;
    for (size_t i = 0; i < packets.size(); ++i) {
        if (i > 0 && i % 5 == 0) parts.push_back(w.FinishPart());
        ASSERT_TRUE(w.Write(packets[i]).ok());
    }
    parts.push_back(w.FinishPart());
    const auto segment = w.Finish();
    Bytes joined;
    for (const auto& p : parts) {
        EXPECT_EQ(p.size() % 188, 0u);
        EXPECT_FALSE(p.empty());
        joined.insert(joined.end(), p.span().begin(), p.span().end());
    }
    EXPECT_EQ(Bytes(segment.span().begin(), segment.span().end()), joined);
    EXPECT_GE(parts.size(), 4u);
}

}  // namespace
}  // namespace onair::packager
