// SPDX-License-Identifier: Apache-2.0
#include "onair/server/hls/hls_channel.h"

#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "onair/base/entity_tag.h"
#include "onair/format/hls/media_playlist_reader.h"
#include "unit/packager/sample_broadcast.h"

namespace onair::server::hls {
namespace {

HlsOptions Options(const test::SampleBroadcast& b) {
    HlsOptions o;
    o.segment_target_ticks = b.target;
    o.window_segments = 4;
    return o;
}

router::StreamItem ConfigItem(const media::CodecConfig& c) {
    router::StreamItem item;
    item.kind = c.kind == media::TrackKind::kVideo ? router::StreamItem::Kind::kVideoConfig
                                                   : router::StreamItem::Kind::kAudioConfig;
    item.config = std::make_shared<const media::CodecConfig>(c);
    return item;
}

// What a broadcast gives a subscriber: the configs in effect first, then
// the packets from `from` on.
void Subscribe(HlsChannel& channel, const test::SampleBroadcast& b, size_t from) {
    const auto& c = b.configs[b.steps[from].configs];
    if (c.video) channel.OnItem(ConfigItem(*c.video));
    if (c.audio) channel.OnItem(ConfigItem(*c.audio));
}

void Feed(HlsChannel& channel, const test::SampleBroadcast& b, size_t i) {
    router::StreamItem item;
    item.packet = b.steps[i].packet;
    channel.OnItem(item);
}

void End(HlsChannel& channel) {
    router::StreamItem end;
    end.kind = router::StreamItem::Kind::kEnd;
    channel.OnItem(end);
}

// Both channels serve the same bytes for every segment both have, and the
// same playlists, multivariant included, whenever they list the same
// segments. Returns how often the playlists were compared.
int Compare(const HlsChannel& a, const HlsChannel& b, size_t segments) {
    for (uint64_t n = 0; n < segments; ++n) {
        const auto sa = a.Segment("src", n);
        const auto sb = b.Segment("src", n);
        if (sa && sb) {
            EXPECT_TRUE(sa->view() == sb->view()) << "segment " << n;
        }
    }
    const auto ma = a.MediaPlaylist("src");
    const auto mb = b.MediaPlaylist("src");
    if (!ma || !mb) return 0;
    auto listed = [](const std::string& text) {
        std::vector<std::string> uris;
        const auto p = format::hls::ReadMediaPlaylist(text);
        EXPECT_TRUE(p.ok());
        if (p.ok())
            for (const auto& s : p->segments) uris.push_back(s.uri);
        return uris;
    };
    if (listed(*ma) != listed(*mb)) return 0;
    EXPECT_EQ(*ma, *mb);
    EXPECT_EQ(a.MultivariantPlaylist(), b.MultivariantPlaylist());
    return 1;
}

TEST(HlsChannel, ALateChannelServesWhatAnEarlyOneServes) {
    const auto broadcast = test::MakeSampleBroadcast(/*drop_audio=*/false);
    // From the start; from a segment after the long one and the takeover;
    // restarted at the republish; resumed in the middle of a segment.
    const size_t late[] = {broadcast.StartOf(broadcast.discontinuities[0] + 2),
                           broadcast.StartOf(broadcast.discontinuities[1]), broadcast.StartOf(9) - 3};
    for (const size_t first : late) {
        SCOPED_TRACE(first);
        HlsChannel a("studio", "b1", Options(broadcast));
        HlsChannel b("studio", "b1", Options(broadcast));
        Subscribe(a, broadcast, 0);
        for (size_t i = 0; i < first; ++i) Feed(a, broadcast, i);
        Subscribe(b, broadcast, first);
        int compared = 0;
        for (size_t i = first; i < broadcast.steps.size(); ++i) {
            Feed(a, broadcast, i);
            Feed(b, broadcast, i);
            if (broadcast.steps[i].packet.segment_start >= 0)
                compared += Compare(a, b, broadcast.segment_starts.size());
        }
        EXPECT_GT(compared, 5);
        End(a);
        End(b);
        EXPECT_EQ(Compare(a, b, broadcast.segment_starts.size()), 1);
        const auto multivariant = b.MultivariantPlaylist();
        ASSERT_TRUE(multivariant);
        EXPECT_NE(multivariant->find("RESOLUTION=32x32,FRAME-RATE=30.000,CODECS=\"avc1.64000a,mp4a.40.2\""),
                  std::string::npos)
            << *multivariant;
        EXPECT_NE(b.MediaPlaylist("src")->find("#EXT-X-TARGETDURATION:2\n"), std::string::npos);
    }
}

TEST(HlsChannel, SegmentsAreDatedByTheirFirstPacketOrWhenSeenIfUndated) {
    const auto broadcast = test::MakeSampleBroadcast(/*drop_audio=*/false);
    HlsChannel dated("studio", "b1", Options(broadcast));
    HlsChannel undated("studio", "b1", Options(broadcast));
    Subscribe(dated, broadcast, 0);
    Subscribe(undated, broadcast, 0);
    for (size_t i = 0; i < broadcast.StartOf(3); ++i) {
        Feed(dated, broadcast, i);
        router::StreamItem item;
        item.packet = broadcast.steps[i].packet;
        item.packet.wallclock_ms = 0;
        undated.OnItem(item);
    }
    const auto a = dated.MediaPlaylist("src");
    ASSERT_TRUE(a);
    // The first segment starts with the first packet, received at the sample's wall clock.
    EXPECT_NE(a->find("#EXT-X-PROGRAM-DATE-TIME:2026-12-02T20:45:18.123Z\n"), std::string::npos) << *a;
    const auto b = undated.MediaPlaylist("src");
    ASSERT_TRUE(b);
    const auto at = b->find("#EXT-X-PROGRAM-DATE-TIME:");
    ASSERT_NE(at, std::string::npos) << *b;
    // When the channel saw it (now), not the sample's date.
    EXPECT_EQ(b->find("2026-12-02T20:45:18"), std::string::npos) << *b;
}

// A playlist's text is written once per version and then shared by every
// request; it is never stale: at every packet it equals what a channel fed
// the same packets and asked only then writes.
TEST(HlsChannel, PlaylistTextIsSharedUntilItChangesAndNeverStale) {
    const auto broadcast = test::MakeSampleBroadcast(/*drop_audio=*/false);
    HlsChannel a("studio", "b1", Options(broadcast));
    Subscribe(a, broadcast, 0);
    HlsChannel::PlaylistRef media, multivariant;
    int shared = 0, rewritten = 0;
    for (size_t i = 0; i < broadcast.steps.size(); ++i) {
        Feed(a, broadcast, i);
        const auto m = a.MediaPlaylistText("src");
        const auto mv = a.MultivariantPlaylistText();
        if (!m) continue;
        ASSERT_TRUE(mv);
        if (media && media.get() == m.get()) {
            ++shared;
            EXPECT_EQ(multivariant.get(), mv.get()) << i;
        } else {
            ++rewritten;
        }
        EXPECT_EQ(m->etag, base::ContentTag(m->view()));
        media = m;
        multivariant = mv;
        if (i % 25 != 0) continue;
        HlsChannel fresh("studio", "b1", Options(broadcast));
        Subscribe(fresh, broadcast, 0);
        for (size_t j = 0; j <= i; ++j) Feed(fresh, broadcast, j);
        EXPECT_EQ(fresh.MediaPlaylist("src"), std::string(m->view())) << i;
        EXPECT_EQ(fresh.MultivariantPlaylist(), std::string(mv->view())) << i;
    }
    // Most packets change no playlist; the text is written about twice
    // per segment (when one opens and when it completes).
    EXPECT_GT(shared, 10 * rewritten);
    EXPECT_LE(rewritten, static_cast<int>(2 * broadcast.segment_starts.size()));
    End(a);
    const auto ended = a.MediaPlaylistText("src");
    ASSERT_TRUE(ended);
    EXPECT_NE(ended.get(), media.get());
    EXPECT_NE(ended->view().find("#EXT-X-ENDLIST"), std::string_view::npos);
}

}  // namespace
}  // namespace onair::server::hls

namespace onair::server::hls {
namespace {

/// The sample as a transcoded rendition `name` of `height` (same packets;
/// only the configs' size differs, which is what the playlists show).
void FeedRendition(HlsChannel& channel, const test::SampleBroadcast& b, const std::string& name, int height,
                   size_t from, size_t to) {
    size_t configs = SIZE_MAX;
    for (size_t i = from; i < to; ++i) {
        if (b.steps[i].configs != configs) {
            configs = b.steps[i].configs;
            for (const auto& c : {b.configs[configs].video, b.configs[configs].audio}) {
                if (!c) continue;
                media::CodecConfig scaled = *c;
                if (scaled.kind == media::TrackKind::kVideo) {
                    scaled.height = height;
                    scaled.width = height * 16 / 9;
                }
                channel.OnRenditionItem(name, ConfigItem(scaled));
            }
        }
        router::StreamItem item;
        item.packet = b.steps[i].packet;
        channel.OnRenditionItem(name, item);
    }
}

std::vector<std::string> VariantUris(const std::string& text) {
    std::vector<std::string> uris;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line[0] != '#') uris.push_back(line);
    return uris;
}

TEST(HlsChannel, ListsTheSourceFirstThenRenditionsTallestFirst) {
    const auto b = test::MakeSampleBroadcast(/*drop_audio=*/false);
    HlsChannel channel("demo", "br1", Options(b));
    const size_t until = b.StartOf(4);
    Subscribe(channel, b, 0);
    for (size_t i = 0; i < until; ++i) Feed(channel, b, i);
    FeedRendition(channel, b, "low", 144, 0, until);
    FeedRendition(channel, b, "mid", 288, 0, until);
    const auto mv = channel.MultivariantPlaylist();
    ASSERT_TRUE(mv);
    EXPECT_EQ(VariantUris(*mv), (std::vector<std::string>{"src/index.m3u8", "mid/index.m3u8", "low/index.m3u8"}));
    EXPECT_NE(mv->find("RESOLUTION=512x288"), std::string::npos) << *mv;
    EXPECT_EQ(channel.ListedRenditions(), (std::vector<std::string>{"src", "mid", "low"}));
    // Same segment numbers and URIs in each: the renditions are aligned.
    const auto low = channel.MediaPlaylist("low");
    ASSERT_TRUE(low);
    EXPECT_NE(low->find("br1-0.ts"), std::string::npos);
    ASSERT_TRUE(channel.Segment("low", 1));
    EXPECT_FALSE(channel.Segment("low", 99));
    EXPECT_FALSE(channel.MediaPlaylist("nope"));
    EXPECT_FALSE(channel.Segment("nope", 0));
}

TEST(HlsChannel, ARenditionDroppedWhileTheSourceGoesOnIsNoLongerOffered) {
    const auto b = test::MakeSampleBroadcast(/*drop_audio=*/false);
    HlsChannel channel("demo", "br1", Options(b));
    const size_t until = b.StartOf(4);
    Subscribe(channel, b, 0);
    for (size_t i = 0; i < until; ++i) Feed(channel, b, i);
    FeedRendition(channel, b, "low", 144, 0, until);
    FeedRendition(channel, b, "mid", 288, 0, until);
    router::StreamItem end;
    end.kind = router::StreamItem::Kind::kEnd;
    channel.OnRenditionItem("mid", end);
    EXPECT_EQ(VariantUris(*channel.MultivariantPlaylist()),
              (std::vector<std::string>{"src/index.m3u8", "low/index.m3u8"}));
    // A player still on it reads the end of its playlist.
    EXPECT_NE(channel.MediaPlaylist("mid")->find("#EXT-X-ENDLIST"), std::string::npos);
    // When the broadcast ends, every rendition it had at the end is listed, ended.
    End(channel);
    channel.OnRenditionItem("low", end);
    EXPECT_TRUE(channel.ended());
    EXPECT_EQ(VariantUris(*channel.MultivariantPlaylist()).size(), 3u);
    // A rendition whose first item is its end opens nothing.
    channel.OnRenditionItem("ghost", end);
    EXPECT_FALSE(channel.MediaPlaylist("ghost"));
}

TEST(HlsChannel, Fmp4SegmentsAndTheirInitSegment) {
    const auto b = test::MakeSampleBroadcast(/*drop_audio=*/false);
    auto options = Options(b);
    options.container = packager::HlsRendition::Container::kFmp4;
    HlsChannel channel("demo", "br1", options);
    EXPECT_EQ(channel.segment_extension(), "m4s");
    EXPECT_EQ(HlsChannel("demo", "br1", Options(b)).segment_extension(), "ts");
    Subscribe(channel, b, 0);
    for (size_t i = 0; i < b.StartOf(3); ++i) Feed(channel, b, i);
    const std::string playlist = *channel.MediaPlaylist("src");
    EXPECT_NE(playlist.find("#EXT-X-VERSION:6\n"), std::string::npos);
    EXPECT_NE(playlist.find("\nbr1-0.m4s\n"), std::string::npos);
    const auto at = playlist.find("#EXT-X-MAP:URI=\"br1-init-");
    ASSERT_NE(at, std::string::npos);
    const std::string id = playlist.substr(at + 25, 16);
    const auto init = channel.InitSegment("src", id);
    ASSERT_TRUE(init);
    EXPECT_EQ(packager::HlsRendition::InitSegmentId(*init), id);
    EXPECT_FALSE(channel.InitSegment("nope", id));
    EXPECT_FALSE(channel.InitSegment("src", "0123456789abcdef"));
    ASSERT_TRUE(channel.Segment("src", 0));
}

}  // namespace
}  // namespace onair::server::hls
