// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <string>
#include <string_view>

namespace onair::store {

/// A new stream key: "sk_" + 40 URL-safe characters from OpenSSL's CSPRNG
/// (~238 bits).
std::string GenerateStreamKey();

/// Lower-case hex SHA-256 of the key: what the database stores.
std::string HashStreamKey(std::string_view key);

}  // namespace onair::store
