// SPDX-License-Identifier: Apache-2.0
#include "onair/manager/admin_token.h"

#include <openssl/crypto.h>

#include "onair/store/stream_key.h"

namespace onair::manager {

namespace {
constexpr std::string_view kSetting = "admin_token_sha256";
}

std::string GenerateAdminToken() {
    // Same alphabet and entropy as stream keys, another prefix: a token
    // pasted where a key belongs (or the reverse) is recognisable.
    std::string key = store::GenerateStreamKey();
    return "oat_" + key.substr(3);
}

base::Result<AdminToken::Loaded> AdminToken::Load(store::ManagerStore& store, const std::string& configured) {
    if (!configured.empty()) return Loaded{AdminToken(store::HashStreamKey(configured)), std::nullopt};
    auto stored = store.GetSetting(kSetting);
    if (!stored.ok()) return stored.error();
    if (stored.value()) return Loaded{AdminToken(*stored.value()), std::nullopt};
    return Rotate(store);
}

base::Result<AdminToken::Loaded> AdminToken::Rotate(store::ManagerStore& store) {
    std::string plain = GenerateAdminToken();
    std::string hash = store::HashStreamKey(plain);
    if (auto st = store.PutSetting(kSetting, hash); !st.ok()) return st.error();
    return Loaded{AdminToken(std::move(hash)), std::move(plain)};
}

bool AdminToken::Matches(std::string_view presented) const {
    if (presented.empty()) return false;
    const std::string hash = store::HashStreamKey(presented);
    return hash.size() == sha256_hex_.size() && CRYPTO_memcmp(hash.data(), sha256_hex_.data(), hash.size()) == 0;
}

}  // namespace onair::manager
