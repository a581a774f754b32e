// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

namespace onair::server::bus {

/// The envelope every event of a role other than the manager carries on
/// onair.events (docs/EVENTS.md): `id` (ev_ + 16 hex digits, random),
/// `type`, `at` (RFC 3339 ms, from `at_ms`), `version` 1, `source`, `node`.
/// The caller adds the type's fields.
nlohmann::json EventEnvelope(std::string_view type, std::string_view source, std::string_view node, int64_t at_ms);

}  // namespace onair::server::bus
