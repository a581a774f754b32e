// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "onair/base/result.h"
#include "onair/store/manager_store.h"

namespace onair::manager {

/// The admin API's bearer token. Set in config (`manager.admin_token`), or
/// generated at the first start: then only its SHA-256 is stored (setting
/// "admin_token_sha256") and the plaintext is returned once, to be shown to
/// the operator; a later start cannot show it again (`onair manager
/// --rotate-admin-token` makes a new one).
class AdminToken {
public:
    struct Loaded;
    static base::Result<Loaded> Load(store::ManagerStore& store, const std::string& configured);
    /// Replaces the stored token with a new one, returned once.
    static base::Result<Loaded> Rotate(store::ManagerStore& store);

    /// Constant-time check of a presented token.
    bool Matches(std::string_view presented) const;

private:
    explicit AdminToken(std::string sha256_hex) : sha256_hex_(std::move(sha256_hex)) {}
    std::string sha256_hex_;
};

struct AdminToken::Loaded {
    AdminToken token;
    std::optional<std::string> generated;  // the plaintext, only when made now
};

/// "oat_" + 40 URL-safe characters from OpenSSL's CSPRNG.
std::string GenerateAdminToken();

}  // namespace onair::manager
