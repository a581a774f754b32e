// SPDX-License-Identifier: Apache-2.0
#include "onair/server/bus/event_envelope.h"

#include <cstdio>
#include <random>

#include "onair/format/hls/date_time.h"

namespace onair::server::bus {

nlohmann::json EventEnvelope(std::string_view type, std::string_view source, std::string_view node, int64_t at_ms) {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    char id[32];
    std::snprintf(id, sizeof id, "ev_%016llx", static_cast<unsigned long long>(rng()));
    return {{"id", id},
            {"type", type},
            {"at", format::hls::FormatDateTime(at_ms)},
            {"version", 1},
            {"source", source},
            {"node", node}};
}

}  // namespace onair::server::bus
