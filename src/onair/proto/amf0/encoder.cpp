// SPDX-License-Identifier: Apache-2.0
#include "onair/proto/amf0/encoder.h"

#include <bit>

#include "onair/base/byte_reader.h"
#include "onair/proto/amf0/marker.h"

namespace onair::proto::amf0 {

namespace {

constexpr size_t kMaxShort = 0xFFFF;

void PutMarker(Marker m, std::vector<uint8_t>& out) { out.push_back(static_cast<uint8_t>(m)); }

// UTF-8 with a 16-bit length (§1.3 UTF-8), cut at 65535 bytes.
void PutShortUtf8(std::string_view s, std::vector<uint8_t>& out) {
    if (s.size() > kMaxShort) s = s.substr(0, kMaxShort);
    base::ByteWriter w(out);
    w.U16(static_cast<uint16_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
}

void PutLongUtf8(std::string_view s, std::vector<uint8_t>& out) {
    base::ByteWriter w(out);
    w.U32(static_cast<uint32_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
}

void PutProperties(const Value::Properties& props, std::vector<uint8_t>& out) {
    for (const auto& [name, value] : props) {
        PutShortUtf8(name, out);
        Encode(value, out);
    }
    // Empty name + object-end marker (§2.11).
    out.push_back(0x00);
    out.push_back(0x00);
    PutMarker(Marker::kObjectEnd, out);
}

}  // namespace

void EncodeString(std::string_view s, std::vector<uint8_t>& out) {
    if (s.size() > kMaxShort) {
        PutMarker(Marker::kLongString, out);
        PutLongUtf8(s, out);
    } else {
        PutMarker(Marker::kString, out);
        PutShortUtf8(s, out);
    }
}

void EncodeNumber(double v, std::vector<uint8_t>& out) {
    PutMarker(Marker::kNumber, out);
    base::ByteWriter(out).U64(std::bit_cast<uint64_t>(v));
}

void EncodeNull(std::vector<uint8_t>& out) { PutMarker(Marker::kNull, out); }

void Encode(const Value& value, std::vector<uint8_t>& out) {
    base::ByteWriter w(out);
    switch (value.type()) {
        case Value::Type::kNumber: EncodeNumber(value.AsNumber(), out); return;
        case Value::Type::kBoolean:
            PutMarker(Marker::kBoolean, out);
            w.U8(value.AsBoolean() ? 1 : 0);
            return;
        case Value::Type::kString: EncodeString(value.AsString(), out); return;
        case Value::Type::kNull: EncodeNull(out); return;
        case Value::Type::kUndefined: PutMarker(Marker::kUndefined, out); return;
        case Value::Type::kUnsupported: PutMarker(Marker::kUnsupported, out); return;
        case Value::Type::kObject:
            PutMarker(Marker::kObject, out);
            PutProperties(value.AsProperties(), out);
            return;
        case Value::Type::kEcmaArray:
            PutMarker(Marker::kEcmaArray, out);
            w.U32(static_cast<uint32_t>(value.AsProperties().size()));
            PutProperties(value.AsProperties(), out);
            return;
        case Value::Type::kTypedObject:
            PutMarker(Marker::kTypedObject, out);
            PutShortUtf8(value.AsString(), out);
            PutProperties(value.AsProperties(), out);
            return;
        case Value::Type::kStrictArray:
            PutMarker(Marker::kStrictArray, out);
            w.U32(static_cast<uint32_t>(value.AsArray().size()));
            for (const auto& item : value.AsArray()) Encode(item, out);
            return;
        case Value::Type::kDate:
            PutMarker(Marker::kDate, out);
            w.U64(std::bit_cast<uint64_t>(value.AsNumber()));
            w.U16(static_cast<uint16_t>(value.timezone()));
            return;
        case Value::Type::kXmlDocument:
            PutMarker(Marker::kXmlDocument, out);
            PutLongUtf8(value.AsString(), out);
            return;
    }
}

void EncodeAll(std::span<const Value> values, std::vector<uint8_t>& out) {
    for (const auto& v : values) Encode(v, out);
}

}  // namespace onair::proto::amf0
