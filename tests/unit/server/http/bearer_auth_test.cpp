// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/bearer_auth.h"

#include <gtest/gtest.h>

#include "onair/store/stream_key.h"

namespace onair::server::http {
namespace {

struct AuthRequest {
    explicit AuthRequest(std::string_view authorization) {
        if (!authorization.empty()) fields.set(boost::beast::http::field::authorization, authorization);
        request.fields = &fields;
    }
    boost::beast::http::fields fields;
    HttpRequest request;
};

TEST(BearerAuth, ExtractsTheToken) {
    EXPECT_EQ(BearerToken(AuthRequest("Bearer abc.def").request), "abc.def");
    EXPECT_EQ(BearerToken(AuthRequest("bearer   abc").request), "abc");
    EXPECT_EQ(BearerToken(AuthRequest("BEARER abc").request), "abc");
    EXPECT_EQ(BearerToken(AuthRequest("Basic dXNlcjpwdw==").request), "");
    EXPECT_EQ(BearerToken(AuthRequest("Bearer").request), "");
    EXPECT_EQ(BearerToken(AuthRequest("Bearerabc").request), "");
    EXPECT_EQ(BearerToken(AuthRequest("").request), "");
    EXPECT_EQ(BearerToken(HttpRequest{}), "");
}

TEST(BearerAuth, ComparesTokensAndHashes) {
    const std::string token = "tok_0123456789";
    EXPECT_TRUE(BearerTokenMatches(AuthRequest("Bearer " + token).request, token));
    EXPECT_FALSE(BearerTokenMatches(AuthRequest("Bearer " + token + "x").request, token));
    EXPECT_FALSE(BearerTokenMatches(AuthRequest("Bearer tok_012345678").request, token));
    EXPECT_FALSE(BearerTokenMatches(AuthRequest("").request, token));
    EXPECT_FALSE(BearerTokenMatches(AuthRequest("Bearer x").request, ""));

    const std::string hash = store::HashStreamKey(token);
    EXPECT_TRUE(BearerTokenHashMatches(AuthRequest("Bearer " + token).request, hash));
    std::string upper = hash;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_TRUE(BearerTokenHashMatches(AuthRequest("Bearer " + token).request, upper));
    EXPECT_FALSE(BearerTokenHashMatches(AuthRequest("Bearer other").request, hash));
    EXPECT_FALSE(BearerTokenHashMatches(AuthRequest("Bearer " + token).request, ""));
    EXPECT_FALSE(BearerTokenHashMatches(AuthRequest("Bearer " + hash).request, hash));  // the hash is not the token
}

TEST(BearerAuth, ConstantTimeEquals) {
    EXPECT_TRUE(ConstantTimeEquals("", ""));
    EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
    EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
    EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
    EXPECT_FALSE(ConstantTimeEquals(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
}

}  // namespace
}  // namespace onair::server::http
