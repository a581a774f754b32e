// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "onair/proto/amf0/value.h"

namespace onair::proto::amf0 {

/// Appends the AMF0 encoding of `value` to `out` (AMF0 spec §2).
/// Strings longer than 65535 bytes use the long-string marker; property
/// names and class names longer than 65535 bytes are cut to 65535 (AMF0 has
/// no longer form for them).
void Encode(const Value& value, std::vector<uint8_t>& out);

/// Appends every value in order.
void EncodeAll(std::span<const Value> values, std::vector<uint8_t>& out);

/// Shorthands used when building command and data messages.
void EncodeString(std::string_view s, std::vector<uint8_t>& out);
void EncodeNumber(double v, std::vector<uint8_t>& out);
void EncodeNull(std::vector<uint8_t>& out);

}  // namespace onair::proto::amf0
