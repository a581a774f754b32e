// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/url.h"

#include <gtest/gtest.h>

namespace onair::server::http {
namespace {

TEST(Url, SplitsAnAbsoluteUrl) {
    auto u = ParseUrl("HTTPS://Manager.Example:8443/api/v1/hooks/publish?key=sk_x&a=1#frag");
    ASSERT_TRUE(u.ok()) << u.error().message;
    EXPECT_EQ(u->scheme, "https");
    EXPECT_TRUE(u->tls());
    EXPECT_EQ(u->host, "manager.example");
    EXPECT_EQ(u->port, 8443);
    EXPECT_EQ(u->path, "/api/v1/hooks/publish");
    EXPECT_EQ(u->query, "key=sk_x&a=1");
    EXPECT_EQ(u->target(), "/api/v1/hooks/publish?key=sk_x&a=1");
    EXPECT_EQ(u->authority(), "manager.example:8443");
    EXPECT_EQ(u->Redacted(), "https://manager.example:8443/api/v1/hooks/publish");
}

TEST(Url, DefaultsPortAndPath) {
    auto a = ParseUrl("http://example.test");
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->port, 80);
    EXPECT_EQ(a->path, "/");
    EXPECT_EQ(a->target(), "/");
    EXPECT_EQ(a->authority(), "example.test");
    auto b = ParseUrl("https://example.test?x=1");
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->port, 443);
    EXPECT_EQ(b->target(), "/?x=1");
    EXPECT_EQ(b->Redacted(), "https://example.test/");
}

TEST(Url, Ipv6InBrackets) {
    auto u = ParseUrl("http://[::1]:8080/x");
    ASSERT_TRUE(u.ok()) << u.error().message;
    EXPECT_EQ(u->host, "::1");
    EXPECT_EQ(u->port, 8080);
    EXPECT_EQ(u->authority(), "[::1]:8080");
    auto d = ParseUrl("https://[::1]/");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->authority(), "[::1]");
}

TEST(Url, RefusesWhatCannotBeRequested) {
    for (const char* bad : {"example.test/x", "ftp://example.test/", "http://", "http://:80/", "http://h:0/",
                            "http://h:65536/", "http://h:80x/", "http://h:/", "http://[::1/", "http://[::1]x/",
                            "http://user:pw@h/", "http://h/a b", "http://h/\r\nX: y"}) {
        auto u = ParseUrl(bad);
        EXPECT_FALSE(u.ok()) << bad;
    }
    auto secret = ParseUrl("http://h:99999/?key=sk_secret");
    ASSERT_FALSE(secret.ok());
    EXPECT_EQ(secret.error().message.find("sk_secret"), std::string::npos);
}

}  // namespace
}  // namespace onair::server::http
