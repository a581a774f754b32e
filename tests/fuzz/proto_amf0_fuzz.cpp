// SPDX-License-Identifier: Apache-2.0
// Decodes arbitrary bytes as AMF0; whatever decodes must re-encode and
// decode to the same values.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "onair/proto/amf0/amf0.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace onair::proto::amf0;
    Limits limits;
    limits.max_string = 4096;
    auto decoded = DecodeAll(std::span<const uint8_t>(data, size), limits);
    if (!decoded.ok()) return 0;
    std::vector<uint8_t> encoded;
    EncodeAll(*decoded, encoded);
    Limits relaxed;  // re-encoding may make strings long-form, never deeper
    relaxed.max_string = 1 << 20;
    auto again = DecodeAll(encoded, relaxed);
    if (!again.ok() || again->size() != decoded->size()) std::abort();
    for (size_t i = 0; i < decoded->size(); ++i) {
        // NaN != NaN: compare encodings instead of values.
        std::vector<uint8_t> a, b;
        Encode((*decoded)[i], a);
        Encode((*again)[i], b);
        if (a != b) std::abort();
    }
    return 0;
}
