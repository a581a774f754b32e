// SPDX-License-Identifier: Apache-2.0
#include "onair/runtime/config.h"

#include <gtest/gtest.h>

#include "onair/runtime/endpoint.h"

namespace onair::runtime {
namespace {

TEST(Config, DefaultsMatchTheContract) {
    auto c = ParseConfig("", {});
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->rtmp.listen, "0.0.0.0:1935");
    EXPECT_EQ(c->http.listen, "0.0.0.0:8080");
    EXPECT_EQ(c->data_dir, "./onair-data");
    EXPECT_EQ(c->hls.segment_duration_ms, 2000u);
}

TEST(Config, YamlThenEnvironment) {
    auto c = ParseConfig("rtmp:\n  listen: 127.0.0.1:1999\nhls:\n  segment_duration_ms: 4000\n",
                         {{"ONAIR_HLS_SEGMENT_DURATION_MS", "1000"}, {"ONAIR_DATA_DIR", "/tmp/x"}});
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->rtmp.listen, "127.0.0.1:1999");
    EXPECT_EQ(c->hls.segment_duration_ms, 1000u);
    EXPECT_EQ(c->data_dir, "/tmp/x");
}

TEST(Config, DatabaseDefaultsToTheDataDirectory) {
    auto c = ParseConfig("data_dir: /srv/onair\n", {});
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->database, "");
    EXPECT_EQ(DatabaseLocation(c.value()), "/srv/onair/onair.db");
    auto y = ParseConfig("database: sqlite:/var/lib/onair.db\n", {});
    ASSERT_TRUE(y.ok());
    EXPECT_EQ(DatabaseLocation(y.value()), "sqlite:/var/lib/onair.db");
    auto e = ParseConfig("database: /a.db\n", {{"ONAIR_DATABASE", "postgres://onair@db:5432/onair"}});
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(DatabaseLocation(e.value()), "postgres://onair@db:5432/onair");
}

TEST(Config, UnknownKeyIsNamed) {
    auto c = ParseConfig("rtmp:\n  lisen: x\n", {});
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("rtmp.lisen"), std::string::npos);
}

TEST(Config, HlsContainer) {
    auto d = ParseConfig("", {});
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->hls.container, "ts");
    auto f = ParseConfig("", {{"ONAIR_HLS_CONTAINER", "fmp4"}});
    ASSERT_TRUE(f.ok()) << f.error().message;
    EXPECT_EQ(f->hls.container, "fmp4");
    auto bad = ParseConfig("hls:\n  container: mp4\n", {});
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("hls.container must be ts or fmp4"), std::string::npos);
}

TEST(Config, BadValuesAreNamed) {
    auto c = ParseConfig("hls:\n  window_segments: many\n", {});
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("hls.window_segments"), std::string::npos);
    auto e = ParseConfig("", {{"ONAIR_RTMP_GOP_CACHE", "maybe"}});
    ASSERT_FALSE(e.ok());
    EXPECT_NE(e.error().message.find("ONAIR_RTMP_GOP_CACHE"), std::string::npos);
    EXPECT_FALSE(ParseConfig("hls:\n  segment_duration_ms: 5\n", {}).ok());
    EXPECT_FALSE(ParseConfig("rtmp: [1, 2\n", {}).ok());
    auto w = ParseConfig("http:\n  worker_threads: 0\n", {});
    ASSERT_FALSE(w.ok());
    EXPECT_NE(w.error().message.find("http.worker_threads"), std::string::npos);
    auto ok = ParseConfig("", {{"ONAIR_HTTP_WORKER_THREADS", "4"}});
    ASSERT_TRUE(ok.ok());
    EXPECT_EQ(ok->http.worker_threads, 4u);
}

TEST(Config, DumpRoundTrips) {
    Config c;
    c.rtmp.listen = "127.0.0.1:1";
    c.public_host = "example.org";
    auto back = ParseConfig(DumpConfig(c), {});
    ASSERT_TRUE(back.ok()) << back.error().message << "\n" << DumpConfig(c);
    EXPECT_EQ(back->rtmp.listen, "127.0.0.1:1");
    EXPECT_EQ(back->public_host, "example.org");
}

TEST(Endpoint, Parses) {
    auto a = ParseEndpoint("0.0.0.0:1935");
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->host, "0.0.0.0");
    EXPECT_EQ(a->port, 1935);
    auto b = ParseEndpoint("[::1]:8080");
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->host, "::1");
    EXPECT_FALSE(ParseEndpoint("1935").ok());
    EXPECT_FALSE(ParseEndpoint("host:99999").ok());
    EXPECT_FALSE(ParseEndpoint("host:").ok());
    EXPECT_FALSE(ParseEndpoint(":80").ok());
    EXPECT_FALSE(ParseEndpoint("::1:80").ok());
}

}  // namespace
}  // namespace onair::runtime

namespace onair::runtime {
namespace {

TEST(Config, ShippedExampleIsTheDefaults) {
    auto c = LoadConfig(std::string(ONAIR_SOURCE_DIR) + "/conf/onair.yaml", {});
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(DumpConfig(c.value()), DumpConfig(Config{}));
}

}  // namespace
}  // namespace onair::runtime
