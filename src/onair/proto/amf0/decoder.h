// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "onair/base/byte_reader.h"
#include "onair/base/result.h"
#include "onair/proto/amf0/value.h"

namespace onair::proto::amf0 {

/// Bounds for decoding untrusted AMF0.
struct Limits {
    size_t max_depth = 16;       // nested objects/arrays
    size_t max_items = 4096;     // values decoded in total (per Decoder / DecodeAll call)
    size_t max_string = 1 << 20; // bytes in one string, key, XML document or class name
};

/// Reads AMF0 values one at a time from a complete buffer (an RTMP message
/// payload). AMF0 has no framing of its own, so this is not incremental:
/// a value cut short is an error.
///
/// Errors: kInvalidData (truncated or malformed), kLimitExceeded (Limits),
/// kUnsupported (references and the AMF3 switch marker).
class Decoder {
public:
    explicit Decoder(std::span<const uint8_t> data, const Limits& limits = {});

    bool empty() const { return reader_.empty(); }
    size_t position() const { return reader_.position(); }
    /// Decodes the next value.
    base::Result<Value> Next();

private:
    base::Result<Value> DecodeValue(size_t depth);
    base::Result<Value> DecodeWithMarker(uint8_t marker, size_t depth);
    base::Status ReadProperties(size_t depth, bool tolerate_missing_end, size_t count_hint,
                                Value::Properties& out);
    base::Status ReadUtf8(size_t length_bytes, std::string& out);

    base::ByteReader reader_;
    Limits limits_;
    size_t items_ = 0;
};

/// Decodes every value in `data` (e.g. a command message: name, transaction
/// id, command object, arguments...).
base::Result<std::vector<Value>> DecodeAll(std::span<const uint8_t> data, const Limits& limits = {});

}  // namespace onair::proto::amf0
