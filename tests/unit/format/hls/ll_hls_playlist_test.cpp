// SPDX-License-Identifier: Apache-2.0
// The LL-HLS side of the media playlist model: writer, reader, delta updates.
#include <gtest/gtest.h>

#include "onair/format/hls/media_playlist.h"
#include "onair/format/hls/media_playlist_reader.h"
#include "unit/format/hls/ll_hls_support.h"

namespace onair::format::hls {
namespace {

using testing::DraftLikeLowLatencyPlaylist;

TEST(LlHlsPlaylist, WritesPartsBeforeTheirSegmentAndTheTrailerTags) {
    MediaPlaylist p;
    p.version = 9;
    p.target_duration_seconds = 2;
    p.media_sequence = 10;
    p.part_target = 30030;  // 0.33367 s
    p.server_control = ServerControl{12 * 90000, false, std::nullopt, 90090, true};
    MediaSegment s;
    s.duration = 60060;
    s.uri = "10.m4s";
    s.map_uri = "init.mp4";
    s.program_date_time_ms = 0;
    s.parts = {PartialSegment{30030, "10.0.m4s", true, std::nullopt, false},
               PartialSegment{30030, "10.m4s", false, ByteRange{500, 1000}, false}};
    p.segments = {s};
    MediaSegment open;
    open.discontinuity = true;
    open.parts = {PartialSegment{1, "11.0.m4s", true, ByteRange{7, std::nullopt}, true}};
    p.open_segment = open;
    p.preload_hints = {PreloadHint{PreloadHintType::kPart, "11.1.m4s", 0, std::nullopt},
                       PreloadHint{PreloadHintType::kMap, "init2.mp4", 100, 50}};
    p.rendition_reports = {RenditionReport{"../low/index.m3u8", 11, 0}, RenditionReport{"a.m3u8", std::nullopt, std::nullopt}};
    EXPECT_EQ(WriteMediaPlaylist(p),
              "#EXTM3U\n"
              "#EXT-X-VERSION:9\n"
              "#EXT-X-TARGETDURATION:2\n"
              "#EXT-X-SERVER-CONTROL:CAN-SKIP-UNTIL=12.00000,PART-HOLD-BACK=1.00100,CAN-BLOCK-RELOAD=YES\n"
              "#EXT-X-PART-INF:PART-TARGET=0.33367\n"
              "#EXT-X-MEDIA-SEQUENCE:10\n"
              "#EXT-X-MAP:URI=\"init.mp4\"\n"
              "#EXT-X-PROGRAM-DATE-TIME:1970-01-01T00:00:00.000Z\n"
              "#EXT-X-PART:DURATION=0.33367,URI=\"10.0.m4s\",INDEPENDENT=YES\n"
              "#EXT-X-PART:DURATION=0.33367,URI=\"10.m4s\",BYTERANGE=\"500@1000\"\n"
              "#EXTINF:0.667,\n"
              "10.m4s\n"
              "#EXT-X-DISCONTINUITY\n"
              "#EXT-X-PART:DURATION=0.00001,URI=\"11.0.m4s\",INDEPENDENT=YES,BYTERANGE=\"7\",GAP=YES\n"
              "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"11.1.m4s\"\n"
              "#EXT-X-PRELOAD-HINT:TYPE=MAP,URI=\"init2.mp4\",BYTERANGE-START=100,BYTERANGE-LENGTH=50\n"
              "#EXT-X-RENDITION-REPORT:URI=\"../low/index.m3u8\",LAST-MSN=11,LAST-PART=0\n"
              "#EXT-X-RENDITION-REPORT:URI=\"a.m3u8\"\n");
    auto read = ReadMediaPlaylist(WriteMediaPlaylist(p));
    ASSERT_TRUE(read.ok()) << read.error().message;
    p.segments[0].duration = 60030;  // EXTINF comes back in milliseconds: 0.667 s
    EXPECT_EQ(*read, p);
}

TEST(LlHlsPlaylist, PartDurationsRoundTripToTheTick) {
    MediaPlaylist p;
    p.target_duration_seconds = 1;
    for (int64_t ticks = 0; ticks < 2000; ++ticks) {
        p.part_target = ticks * 7919 % 90001;
        p.server_control.hold_back = ticks;
        auto read = ReadMediaPlaylist(WriteMediaPlaylist(p));
        ASSERT_TRUE(read.ok());
        ASSERT_EQ(read->part_target, p.part_target);
        ASSERT_EQ(read->server_control.hold_back, ticks);
    }
}

TEST(LlHlsPlaylist, TheDraftLikePlaylistRoundTrips) {
    const MediaPlaylist p = DraftLikeLowLatencyPlaylist();
    auto read = ReadMediaPlaylist(WriteMediaPlaylist(p));
    ASSERT_TRUE(read.ok()) << read.error().message;
    EXPECT_EQ(*read, p);  // 12 x 30000 ticks = 4.000 s: EXTINF exact too
    EXPECT_EQ(read->NextSequence(), 273u);
}

TEST(LlHlsPlaylist, DeltaSkipsWhatEndsAtLeastTheSkipBoundaryBeforeTheEnd) {
    MediaPlaylist p = DraftLikeLowLatencyPlaylist();  // 7 segments of 4 s, boundary 24 s
    EXPECT_EQ(SkippableSegments(p), 1u);  // 266 ends 24 s before the end; 267 ends 20 s before
    p.server_control.can_skip_until = 12 * 90000;
    EXPECT_EQ(SkippableSegments(p), 4u);
    p.server_control.can_skip_until.reset();
    EXPECT_EQ(SkippableSegments(p), 0u);
    EXPECT_EQ(DeltaOf(p), p);

    p.server_control.can_skip_until = 12 * 90000;
    const MediaPlaylist delta = DeltaOf(p, /*skip_dateranges=*/true);
    EXPECT_EQ(delta.skipped_segments, 4u);
    EXPECT_EQ(delta.media_sequence, 266u);  // of the first skipped segment
    EXPECT_EQ(delta.FirstListedSequence(), 270u);
    ASSERT_EQ(delta.segments.size(), 3u);
    EXPECT_EQ(delta.segments[0].uri, "fileSequence270.mp4");
    EXPECT_EQ(delta.segments[0].map_uri, "init.mp4");  // carried over from 266
    EXPECT_EQ(delta.version, 10);                        // RECENTLY-REMOVED-DATERANGES
    EXPECT_EQ(DeltaOf(p).version, 9);
    EXPECT_EQ(SkippableSegments(delta), 0u);  // a delta is not skipped again
    const std::string text = WriteMediaPlaylist(delta);
    EXPECT_NE(text.find("#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-SKIP:SKIPPED-SEGMENTS=4,RECENTLY-REMOVED-DATERANGES=\"\"\n"
                        "#EXT-X-MAP:URI=\"init.mp4\"\n"),
              std::string::npos)
        << text;
    auto read = ReadMediaPlaylist(text);
    ASSERT_TRUE(read.ok()) << read.error().message;
    EXPECT_EQ(*read, delta);
}

TEST(LlHlsPlaylist, RequiredVersion) {
    MediaPlaylist p;
    p.segments = {MediaSegment{}};
    p.segments[0].duration = 2 * 90000;
    EXPECT_EQ(RequiredVersion(p), 1);
    p.segments[0].duration += 90;  // 2.001 s
    EXPECT_EQ(RequiredVersion(p), 3);
    p.open_segment = MediaSegment();
    p.open_segment->map_uri = "i.mp4";
    EXPECT_EQ(RequiredVersion(p), 6);
    p.skipped_segments = 1;
    EXPECT_EQ(RequiredVersion(p), 9);
    p.recently_removed_dateranges = "a\tb";
    EXPECT_EQ(RequiredVersion(p), 10);
}

TEST(LlHlsPlaylistReader, TrailingTagsWithoutPartsMakeAnOpenSegment) {
    auto r = ReadMediaPlaylist("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\na.m4s\n#EXT-X-DISCONTINUITY\n"
                               "#EXT-X-MAP:URI=\"i2.mp4\",BYTERANGE=\"10@0\"\n");
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_TRUE(r->open_segment);
    EXPECT_TRUE(r->open_segment->discontinuity);
    EXPECT_EQ(r->open_segment->map_uri, "i2.mp4");
    EXPECT_TRUE(r->open_segment->parts.empty());
}

TEST(LlHlsPlaylistReader, MalformedAttributesAreInvalidDataNamingTheLine) {
    const std::string head = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n";
    for (const std::string& bad : {
             std::string("#EXT-X-PART:URI=\"a\""),                          // no DURATION
             std::string("#EXT-X-PART:DURATION=0.5"),                       // no URI
             std::string("#EXT-X-PART:DURATION=0.5,URI=a"),                 // URI not quoted
             std::string("#EXT-X-PART:DURATION=0.5,URI=\"\""),              // empty URI
             std::string("#EXT-X-PART:DURATION=-1,URI=\"a\""),
             std::string("#EXT-X-PART:DURATION=0.5,URI=\"a\",INDEPENDENT=NO"),
             std::string("#EXT-X-PART:DURATION=0.5,URI=\"a\",GAP=1"),
             std::string("#EXT-X-PART:DURATION=0.5,URI=\"a\",BYTERANGE=\"x@1\""),
             std::string("#EXT-X-PART:DURATION=0.5,URI=\"a\",BYTERANGE=\"1@\""),
             std::string("#EXT-X-PART:DURATION=0.5,URI=\"a\",BYTERANGE=1"),
             std::string("#EXT-X-PART:DURATION=0.5,DURATION=0.5,URI=\"a\""),  // repeated attribute
             std::string("#EXT-X-PART:DURATION=0.5,URI=\"a"),                 // unclosed quote
             std::string("#EXT-X-PART:DURATION=0.5,URI=\"a\","),              // trailing comma
             std::string("#EXT-X-PART:duration=0.5,URI=\"a\""),               // lower-case name
             std::string("#EXT-X-PART-INF:PART-TARGET=x"),
             std::string("#EXT-X-PART-INF:FOO=1"),
             std::string("#EXT-X-PART-INF:PART-TARGET=1\n#EXT-X-PART-INF:PART-TARGET=1"),
             std::string("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=NO"),
             std::string("#EXT-X-SERVER-CONTROL:HOLD-BACK=1e3"),
             std::string("#EXT-X-SERVER-CONTROL:PART-HOLD-BACK=1\n#EXT-X-SERVER-CONTROL:PART-HOLD-BACK=1"),
             std::string("#EXT-X-SKIP:SKIPPED-SEGMENTS=0"),
             std::string("#EXT-X-SKIP:SKIPPED-SEGMENTS=x"),
             std::string("#EXT-X-SKIP:RECENTLY-REMOVED-DATERANGES=\"\""),
             std::string("#EXT-X-SKIP:SKIPPED-SEGMENTS=1,RECENTLY-REMOVED-DATERANGES=a"),
             std::string("#EXT-X-SKIP:SKIPPED-SEGMENTS=1\n#EXT-X-SKIP:SKIPPED-SEGMENTS=1"),
             std::string("#EXTINF:2,\na.ts\n#EXT-X-SKIP:SKIPPED-SEGMENTS=1"),
             std::string("#EXT-X-PRELOAD-HINT:URI=\"a\""),
             std::string("#EXT-X-PRELOAD-HINT:TYPE=SEGMENT,URI=\"a\""),
             std::string("#EXT-X-PRELOAD-HINT:TYPE=PART"),
             std::string("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"a\",BYTERANGE-START=-1"),
             std::string("#EXT-X-RENDITION-REPORT:LAST-MSN=1"),
             std::string("#EXT-X-RENDITION-REPORT:URI=\"a\",LAST-PART=1.5"),
             std::string("#EXT-X-MAP:BYTERANGE=\"1@0\""),
             std::string("#EXTINF:2,\n#EXT-X-PART:DURATION=1,URI=\"a\"\na.ts"),
         }) {
        auto r = ReadMediaPlaylist(head + bad + "\n");
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, base::ErrorCode::kInvalidData) << bad;
        EXPECT_NE(r.error().message.find("playlist line "), std::string::npos) << r.error().message;
    }
    auto r = ReadMediaPlaylist(head + "#EXT-X-PART:DURATION=0.5,URI=\"a\",INDEPENDENT=NO\n");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "playlist line 3: EXT-X-PART: INDEPENDENT is not YES");
    // Unknown attributes are ignored (4.2).
    EXPECT_TRUE(ReadMediaPlaylist(head + "#EXT-X-PART:DURATION=0.5,URI=\"a,b\",X-FOO=\"1,2\",BAR=3\n").ok());
}

TEST(LlHlsPlaylistReader, Limits) {
    std::string text = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n";
    for (int i = 0; i < 4; ++i) text += "#EXT-X-PART:DURATION=0.5,URI=\"" + std::to_string(i) + "\"\n";
    text += "#EXTINF:2,\na\n#EXT-X-PART:DURATION=0.5,URI=\"x\"\n";
    text += "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"y\"\n#EXT-X-PRELOAD-HINT:TYPE=MAP,URI=\"z\"\n";
    text += "#EXT-X-RENDITION-REPORT:URI=\"r1\"\n#EXT-X-RENDITION-REPORT:URI=\"r2\"\n";
    MediaPlaylistLimits limits;
    limits.max_parts_per_segment = 4;
    limits.max_parts = 5;
    limits.max_preload_hints = 2;
    limits.max_rendition_reports = 2;
    ASSERT_TRUE(ReadMediaPlaylist(text, limits).ok());
    for (int which = 0; which < 5; ++which) {
        MediaPlaylistLimits l = limits;
        if (which == 0) l.max_parts_per_segment = 3;
        if (which == 1) l.max_parts = 4;
        if (which == 2) l.max_preload_hints = 1;
        if (which == 3) l.max_rendition_reports = 1;
        if (which == 4) l.max_uri_bytes = 1 + 0 * text.size();
        auto r = ReadMediaPlaylist(text + (which == 4 ? "#EXT-X-RENDITION-REPORT:URI=\"rr\"\n" : ""), l);
        ASSERT_FALSE(r.ok()) << which;
        EXPECT_EQ(r.error().code, base::ErrorCode::kLimitExceeded) << which << r.error().message;
    }
}

}  // namespace
}  // namespace onair::format::hls
