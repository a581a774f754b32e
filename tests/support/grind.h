// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace onair::test {

/// Calls `run(parts)` once with the whole input and then once for every split
/// point: the input cut in two at each byte (Beast's "parsegrind"). Each call
/// gets a fresh list of chunks; the test feeds them to a fresh parser and
/// checks the result is the same as for the whole input.
inline void ForEachSplit(std::span<const uint8_t> input,
                         const std::function<void(const std::vector<std::span<const uint8_t>>&)>& run) {
    run({input});
    for (size_t cut = 1; cut < input.size(); ++cut) {
        run({input.subspan(0, cut), input.subspan(cut)});
    }
}

/// Byte-at-a-time feeding.
inline std::vector<std::span<const uint8_t>> OneByteChunks(std::span<const uint8_t> input) {
    std::vector<std::span<const uint8_t>> out;
    for (size_t i = 0; i < input.size(); ++i) out.push_back(input.subspan(i, 1));
    return out;
}

}  // namespace onair::test
