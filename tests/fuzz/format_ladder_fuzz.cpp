// SPDX-License-Identifier: Apache-2.0
// A channel's ladder comes from the API (an admin's JSON) and from the log:
// ParseLadder on arbitrary bytes never crashes, anything it accepts is
// within its limits, writes back to a ladder that parses the same, and
// plans only renditions below the source with even sizes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "onair/format/ladder/ladder.h"

using namespace onair::format::ladder;

namespace {
void Check(bool ok) {
    if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto ladder = ParseLadder(text);
    if (!ladder.ok()) {
        Check(!ladder.error().message.empty());
        return 0;
    }
    Check(ladder->renditions.size() <= kMaxRenditions);
    auto again = ParseLadder(WriteLadder(*ladder));
    Check(again.ok() && again->renditions.size() == ladder->renditions.size());
    for (size_t i = 0; i < ladder->renditions.size(); ++i) {
        const auto& a = ladder->renditions[i];
        const auto& b = again->renditions[i];
        Check(a.name == b.name && a.height == b.height && a.video_kbps == b.video_kbps && a.profile == b.profile);
        Check(a.height >= 64 && a.height <= 4320 && a.height % 2 == 0);
    }
    for (int h : {240, 720, 1080, 4320}) {
        for (const auto& p : PlanLadder(*ladder, h * 16 / 9, h)) {
            Check(p.height < h && p.width >= 2 && p.width % 2 == 0);
        }
    }
    return 0;
}
