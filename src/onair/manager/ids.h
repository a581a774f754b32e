// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <string>
#include <string_view>

namespace onair::manager {

/// `prefix` + 16 lower-case hex digits from OpenSSL's CSPRNG: "br_1f0c...",
/// "ev_9a2e...". Unique enough to be primary keys across nodes.
std::string NewId(std::string_view prefix);

}  // namespace onair::manager
