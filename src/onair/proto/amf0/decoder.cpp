// SPDX-License-Identifier: Apache-2.0
#include "onair/proto/amf0/decoder.h"

#include <algorithm>
#include <bit>
#include <string>

#include "onair/proto/amf0/marker.h"

namespace onair::proto::amf0 {

namespace {

base::Error Truncated(const char* what) {
    return base::MakeError(base::ErrorCode::kInvalidData, std::string("amf0: truncated ") + what);
}

}  // namespace

Decoder::Decoder(std::span<const uint8_t> data, const Limits& limits) : reader_(data), limits_(limits) {}

base::Result<Value> Decoder::Next() {
    if (reader_.empty()) return Truncated("input: no value");
    return DecodeValue(0);
}

base::Status Decoder::ReadUtf8(size_t length_bytes, std::string& out) {
    uint32_t length = 0;
    if (length_bytes == 2) {
        uint16_t n = 0;
        if (!reader_.ReadU16(n)) return Truncated("string length");
        length = n;
    } else if (!reader_.ReadU32(length)) {
        return Truncated("long string length");
    }
    if (length > limits_.max_string) {
        return base::MakeError(base::ErrorCode::kLimitExceeded,
                               "amf0: string of " + std::to_string(length) + " bytes exceeds the limit");
    }
    std::span<const uint8_t> bytes;
    if (!reader_.ReadBytes(length, bytes)) return Truncated("string");
    out.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return base::Status::Ok();
}

// Object, ECMA array and typed object bodies (§2.5, §2.10, §2.18): UTF-8
// name + value pairs up to an empty name followed by the object-end marker.
base::Status Decoder::ReadProperties(size_t depth, bool tolerate_missing_end, size_t count_hint,
                                     Value::Properties& out) {
    for (;;) {
        // Some encoders end an ECMA array at the message end without the
        // end marker once `count` properties are written; accept that.
        if (tolerate_missing_end && reader_.empty() && out.size() >= count_hint) return base::Status::Ok();
        std::string name;
        if (auto st = ReadUtf8(2, name); !st.ok()) return st;
        if (name.empty()) {
            uint8_t marker = 0;
            if (!reader_.ReadU8(marker)) return Truncated("object end");
            if (marker == static_cast<uint8_t>(Marker::kObjectEnd)) return base::Status::Ok();
            // An empty name before a real value: keep it as a property.
            auto value = DecodeWithMarker(marker, depth);
            if (!value.ok()) return value.error();
            out.emplace_back(std::string(), std::move(value).value());
            continue;
        }
        auto value = DecodeValue(depth);
        if (!value.ok()) return value.error();
        out.emplace_back(std::move(name), std::move(value).value());
    }
}

base::Result<Value> Decoder::DecodeValue(size_t depth) {
    uint8_t byte = 0;
    if (!reader_.ReadU8(byte)) return Truncated("value marker");
    return DecodeWithMarker(byte, depth);
}

base::Result<Value> Decoder::DecodeWithMarker(uint8_t byte, size_t depth) {
    if (++items_ > limits_.max_items) {
        return base::MakeError(base::ErrorCode::kLimitExceeded, "amf0: too many values");
    }
    const auto marker = static_cast<Marker>(byte);
    auto enter = [&]() -> base::Status {
        if (depth + 1 > limits_.max_depth) {
            return base::MakeError(base::ErrorCode::kLimitExceeded, "amf0: nesting deeper than the limit");
        }
        return base::Status::Ok();
    };
    switch (marker) {
        case Marker::kNumber: {
            uint64_t bits = 0;
            if (!reader_.ReadU64(bits)) return Truncated("number");
            return Value::Number(std::bit_cast<double>(bits));
        }
        case Marker::kBoolean: {
            uint8_t b = 0;
            if (!reader_.ReadU8(b)) return Truncated("boolean");
            return Value::Boolean(b != 0);
        }
        case Marker::kString:
        case Marker::kLongString:
        case Marker::kXmlDocument: {
            std::string s;
            if (auto st = ReadUtf8(marker == Marker::kString ? 2 : 4, s); !st.ok()) return st.error();
            return marker == Marker::kXmlDocument ? Value::XmlDocument(std::move(s)) : Value::String(std::move(s));
        }
        case Marker::kNull: return Value::Null();
        case Marker::kUndefined: return Value::Undefined();
        case Marker::kUnsupported: return Value::Unsupported();
        case Marker::kObject:
        case Marker::kEcmaArray:
        case Marker::kTypedObject: {
            if (auto st = enter(); !st.ok()) return st.error();
            std::string class_name;
            uint32_t count = 0;
            if (marker == Marker::kTypedObject) {
                if (auto st = ReadUtf8(2, class_name); !st.ok()) return st.error();
            } else if (marker == Marker::kEcmaArray && !reader_.ReadU32(count)) {
                return Truncated("ECMA array count");
            }
            Value::Properties props;
            if (auto st = ReadProperties(depth + 1, marker == Marker::kEcmaArray, count, props); !st.ok()) {
                return st.error();
            }
            if (marker == Marker::kObject) return Value::Object(std::move(props));
            if (marker == Marker::kEcmaArray) return Value::EcmaArray(std::move(props));
            return Value::TypedObject(std::move(class_name), std::move(props));
        }
        case Marker::kStrictArray: {
            if (auto st = enter(); !st.ok()) return st.error();
            uint32_t count = 0;
            if (!reader_.ReadU32(count)) return Truncated("strict array count");
            if (count > limits_.max_items - items_) {
                return base::MakeError(base::ErrorCode::kLimitExceeded, "amf0: strict array longer than the limit");
            }
            Value::Array items;
            // Every value takes at least one byte: never reserve past the input.
            items.reserve(std::min<size_t>(count, reader_.remaining()));
            for (uint32_t i = 0; i < count; ++i) {
                auto item = DecodeValue(depth + 1);
                if (!item.ok()) return item.error();
                items.push_back(std::move(item).value());
            }
            return Value::StrictArray(std::move(items));
        }
        case Marker::kDate: {
            uint64_t bits = 0;
            uint16_t tz = 0;
            if (!reader_.ReadU64(bits) || !reader_.ReadU16(tz)) return Truncated("date");
            return Value::Date(std::bit_cast<double>(bits), static_cast<int16_t>(tz));
        }
        case Marker::kReference:
            return base::MakeError(base::ErrorCode::kUnsupported, "amf0: object references are not supported");
        case Marker::kAvmPlus:
            return base::MakeError(base::ErrorCode::kUnsupported, "amf0: AMF3 values are not supported");
        case Marker::kObjectEnd:
            return base::MakeError(base::ErrorCode::kInvalidData, "amf0: object end outside an object");
        case Marker::kMovieClip:
        case Marker::kRecordSet:
            break;
    }
    return base::MakeError(base::ErrorCode::kInvalidData, "amf0: unknown marker " + std::to_string(byte));
}

base::Result<std::vector<Value>> DecodeAll(std::span<const uint8_t> data, const Limits& limits) {
    Decoder decoder(data, limits);
    std::vector<Value> out;
    while (!decoder.empty()) {
        auto v = decoder.Next();
        if (!v.ok()) return v.error();
        out.push_back(std::move(v).value());
    }
    return out;
}

}  // namespace onair::proto::amf0
