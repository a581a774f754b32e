// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "onair/runtime/logger.h"
#include "onair/runtime/metrics.h"

namespace onair::runtime {
namespace {

TEST(Logger, JsonLineWithEcsFields) {
    const std::string line =
        FormatLogLine(2, "rtmp", "publish \"accepted\"", {{"client.ip", "127.0.0.1"}, {"client.port", 5000}}, true);
    auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["log.level"], "info");
    EXPECT_EQ(j["log.logger"], "rtmp");
    EXPECT_EQ(j["message"], "publish \"accepted\"");
    EXPECT_EQ(j["client.ip"], "127.0.0.1");
    EXPECT_EQ(j["client.port"], 5000);
    EXPECT_EQ(j["@timestamp"].get<std::string>().size(), 24u);  // 2026-11-24T10:00:00.123Z
}

TEST(Logger, SecretsAreRedacted) {
    const std::string line = FormatLogLine(3, "x", "m", {{"stream_key", "sk_secret"}, {"url.token", "t0k"}}, true);
    EXPECT_EQ(line.find("sk_secret"), std::string::npos);
    EXPECT_EQ(line.find("t0k"), std::string::npos);
    const std::string text = FormatLogLine(3, "x", "m", {{"stream_key", "sk_secret"}}, false);
    EXPECT_EQ(text.find("sk_secret"), std::string::npos);
}

TEST(Metrics, RendersExpositionFormat) {
    Metrics m;
    m.counter("onair_bytes_total", "Bytes").Inc(42);
    m.gauge("onair_players", "Players", "rendition=\"src\"").Set(3);
    m.gauge("onair_players", "Players", "rendition=\"720p\"").Set(1);
    const std::string text = m.Render();
    EXPECT_NE(text.find("# HELP onair_bytes_total Bytes\n# TYPE onair_bytes_total counter\nonair_bytes_total 42\n"),
              std::string::npos);
    EXPECT_NE(text.find("# TYPE onair_players gauge\nonair_players{rendition=\"src\"} 3\n"
                        "onair_players{rendition=\"720p\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("process_resident_memory_bytes "), std::string::npos);
    EXPECT_NE(text.find("process_open_fds "), std::string::npos);
    EXPECT_EQ(&m.counter("onair_bytes_total", "Bytes"), &m.counter("onair_bytes_total", "Bytes"));
    EXPECT_EQ(EscapeLabelValue("a\"b\\c\n"), "a\\\"b\\\\c\\n");
}

TEST(Metrics, SummaryRendersQuantilesOfTheRecentWindow) {
    Metrics m;
    auto& latency = m.summary("onair_latency_seconds", "Latency", "role=\"edge\"");
    for (int i = 1; i <= 100; ++i) latency.Observe(i / 1000.0);
    EXPECT_NEAR(latency.Quantile(0.5), 0.050, 0.0011);
    EXPECT_NEAR(latency.Quantile(0.99), 0.099, 0.0011);
    EXPECT_EQ(latency.Count(), 100u);
    const std::string text = m.Render();
    EXPECT_NE(text.find("# TYPE onair_latency_seconds summary\n"
                        "onair_latency_seconds{role=\"edge\",quantile=\"0.5\"} 0.05"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("onair_latency_seconds_count{role=\"edge\"} 100\n"), std::string::npos);
    // The window forgets old observations; count and sum do not.
    for (size_t i = 0; i < Summary::kWindow; ++i) latency.Observe(2.0);
    EXPECT_DOUBLE_EQ(latency.Quantile(0.5), 2.0);
    EXPECT_EQ(latency.Count(), 100u + Summary::kWindow);
}

}  // namespace
}  // namespace onair::runtime
