// SPDX-License-Identifier: Apache-2.0
// Parses arbitrary bytes as application/x-www-form-urlencoded (nginx-rtmp's
// callbacks, hook URLs' query strings); whatever parses must encode and
// parse back to the same fields, and stay within the limits.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "onair/base/form_urlencoded.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace onair::base;
    FormLimits limits;
    limits.max_fields = 16;
    limits.max_value_bytes = 256;
    auto fields = ParseForm(std::string_view(reinterpret_cast<const char*>(data), size), limits);
    if (!fields.ok()) return 0;
    if (fields->size() > limits.max_fields) std::abort();
    for (const auto& [name, value] : *fields) {
        if (name.size() > limits.max_value_bytes || value.size() > limits.max_value_bytes) std::abort();
    }
    auto again = ParseForm(EncodeForm(*fields), limits);
    if (!again.ok() || *again != *fields) std::abort();
    return 0;
}
