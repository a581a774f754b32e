// SPDX-License-Identifier: Apache-2.0
#include "onair/manager/web_assets.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace onair::manager {
namespace {

std::string ReadSource(const std::string& rel) {
    std::ifstream in(std::string(ONAIR_SOURCE_DIR) + "/" + rel, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

TEST(WebAssetsTest, DashboardPage) {
    for (const char* path : {"/dashboard/", "/dashboard", "/dashboard/index.html"}) {
        auto a = FindWebAsset(path);
        ASSERT_TRUE(a) << path;
        EXPECT_EQ(a->content_type, "text/html; charset=utf-8");
        EXPECT_NE(a->bytes.find("/dashboard/app.js"), std::string_view::npos);
        EXPECT_EQ(a->cache_control, "no-cache");
        EXPECT_NE(a->content_security_policy.find("frame-ancestors 'none'"), std::string_view::npos);
        EXPECT_NE(a->content_security_policy.find("script-src 'self'"), std::string_view::npos);
    }
    EXPECT_EQ(FindWebAsset("/dashboard/")->bytes.data(), FindWebAsset("/dashboard")->bytes.data());
}

TEST(WebAssetsTest, ScriptsAndStyles) {
    auto js = FindWebAsset("/dashboard/app.js");
    ASSERT_TRUE(js);
    EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
    EXPECT_TRUE(js->content_security_policy.empty());
    auto css = FindWebAsset("/assets/style.css");
    ASSERT_TRUE(css);
    EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
    EXPECT_EQ(FindWebAsset("/assets/icon.svg")->content_type, "image/svg+xml");
}

TEST(WebAssetsTest, WatchPageForAnyChannelName) {
    auto page = FindWebAsset("/watch/index.html");
    ASSERT_TRUE(page);
    for (const char* path : {"/watch/studio", "/watch/a", "/watch/0-live_2", "/watch/"}) {
        auto a = FindWebAsset(path);
        ASSERT_TRUE(a) << path;
        EXPECT_EQ(a->bytes.data(), page->bytes.data()) << path;
        EXPECT_EQ(a->content_type, "text/html; charset=utf-8");
        // Embeddable in other sites' pages.
        EXPECT_EQ(a->content_security_policy.find("frame-ancestors"), std::string_view::npos);
    }
    // Not a channel name: no page (and its own script stays a file).
    for (const std::string& path : {std::string("/watch/Studio"), std::string("/watch/a/b"), std::string("/watch/a b"),
                                    "/watch/" + std::string(65, 'a')}) {
        EXPECT_FALSE(FindWebAsset(path)) << path;
    }
    auto js = FindWebAsset("/watch/watch.js");
    ASSERT_TRUE(js);
    EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
}

TEST(WebAssetsTest, HlsJsFromNodeModules) {
    auto a = FindWebAsset("/assets/hls.min.js");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->content_type, "text/javascript; charset=utf-8");
    EXPECT_EQ(a->bytes, ReadSource("web/node_modules/hls.js/dist/hls.min.js"));
    EXPECT_GT(a->bytes.size(), 100000u);
}

TEST(WebAssetsTest, UnknownPathsAndPackageFiles) {
    for (const char* path : {"", "dashboard/", "/", "/nope", "/dashboard/nope.js", "/dashboard/../watch/watch.js",
                             "/package.json", "/package-lock.json", "/node_modules/hls.js/dist/hls.min.js",
                             "/assets", "/assets/", "/dashboard/app.js/", "/DASHBOARD/"}) {
        EXPECT_FALSE(FindWebAsset(path)) << path;
    }
}

TEST(WebAssetsTest, EveryFileIsEmbeddedAsOnDiskWithItsOwnEtag) {
    const auto paths = WebAssetPaths();
    EXPECT_GE(paths.size(), 10u);
    std::set<std::string_view> etags;
    for (auto path : paths) {
        auto a = FindWebAsset(path);
        ASSERT_TRUE(a) << path;
        ASSERT_GE(a->etag.size(), 3u);
        EXPECT_EQ(a->etag.front(), '"') << path;
        EXPECT_EQ(a->etag.back(), '"') << path;
        etags.insert(a->etag);
        if (path != "/assets/hls.min.js") {
            EXPECT_EQ(a->bytes, ReadSource("web" + std::string(path))) << path;
        }
    }
    EXPECT_EQ(etags.size(), paths.size());
}

// Nothing is loaded from another origin: no CDN, no web fonts.
TEST(WebAssetsTest, NoOutsideUrls) {
    const std::regex url(R"((https?:)?//[a-z0-9.-]+\.[a-z]{2,})", std::regex::icase);
    for (auto path : WebAssetPaths()) {
        if (path == "/assets/hls.min.js") continue;
        std::string text(FindWebAsset(path)->bytes);
        // The SVG namespace is a name, not a fetch.
        for (size_t p; (p = text.find("http://www.w3.org/2000/svg")) != std::string::npos;) text.erase(p, 26);
        EXPECT_FALSE(std::regex_search(text, url)) << path;
    }
}

// Every script, style and module a page or module names is embedded.
TEST(WebAssetsTest, ReferencesResolve) {
    const std::regex ref(R"re((?:src|href)="(/[^"#]*)"|from '([^']+)'|import\('([^']+)'\)|\.src = '(/[^']+)')re");
    int checked = 0;
    for (auto path : WebAssetPaths()) {
        if (path == "/assets/hls.min.js") continue;
        const std::string text(FindWebAsset(path)->bytes);
        const std::string dir(path.substr(0, path.rfind('/') + 1));
        for (std::sregex_iterator it(text.begin(), text.end(), ref), end; it != end; ++it) {
            std::string target;
            for (size_t i = 1; i < it->size() && target.empty(); ++i) target = (*it)[i].str();
            if (target.starts_with("./")) target = dir + target.substr(2);
            EXPECT_TRUE(FindWebAsset(target)) << path << " names " << target;
            ++checked;
        }
    }
    EXPECT_GT(checked, 10);
}

}  // namespace
}  // namespace onair::manager
