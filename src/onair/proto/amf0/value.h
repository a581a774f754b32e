// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace onair::proto::amf0 {

/// One AMF0 value (AMF0 spec §2). Objects and ECMA arrays keep their
/// properties in wire order, because peers (and tests) care about order.
///
/// Accessors never throw: As*() on a value of another type returns an empty
/// default (0, false, "", no properties), so code handling untrusted input can
/// read fields without checking every type first.
class Value {
public:
    enum class Type : uint8_t {
        kNumber,
        kBoolean,
        kString,  // string and long string (the encoder picks by length)
        kObject,
        kNull,
        kUndefined,
        kEcmaArray,
        kStrictArray,
        kDate,
        kXmlDocument,
        kTypedObject,  // an object with a class name (§2.18)
        kUnsupported,  // the "unsupported" marker (§2.14), no payload
    };
    using Property = std::pair<std::string, Value>;
    using Properties = std::vector<Property>;
    using Array = std::vector<Value>;

    /// A Null value.
    Value() = default;

    static Value Number(double v);
    static Value Boolean(bool v);
    static Value String(std::string v);
    static Value Object(Properties properties = {});
    static Value Null() { return Value(); }
    static Value Undefined();
    static Value EcmaArray(Properties properties = {});
    static Value StrictArray(Array items = {});
    /// @param ms milliseconds since the Unix epoch (UTC); `timezone` is the
    /// reserved time-zone field, sent as 0 by every known peer.
    static Value Date(double ms, int16_t timezone = 0);
    static Value XmlDocument(std::string xml);
    static Value TypedObject(std::string class_name, Properties properties = {});
    static Value Unsupported();

    Type type() const { return type_; }
    bool IsNumber() const { return type_ == Type::kNumber; }
    bool IsBoolean() const { return type_ == Type::kBoolean; }
    bool IsString() const { return type_ == Type::kString; }
    bool IsObject() const { return type_ == Type::kObject; }
    bool IsNull() const { return type_ == Type::kNull; }
    bool IsUndefined() const { return type_ == Type::kUndefined; }
    bool IsEcmaArray() const { return type_ == Type::kEcmaArray; }
    bool IsStrictArray() const { return type_ == Type::kStrictArray; }
    bool IsDate() const { return type_ == Type::kDate; }
    bool IsXmlDocument() const { return type_ == Type::kXmlDocument; }
    bool IsTypedObject() const { return type_ == Type::kTypedObject; }
    bool IsUnsupported() const { return type_ == Type::kUnsupported; }
    /// Object, ECMA array or typed object: a value with named properties.
    bool HasProperties() const {
        return type_ == Type::kObject || type_ == Type::kEcmaArray || type_ == Type::kTypedObject;
    }

    /// Number or Date milliseconds; 0 otherwise.
    double AsNumber() const { return (IsNumber() || IsDate()) ? number_ : 0.0; }
    bool AsBoolean() const { return IsBoolean() && boolean_; }
    /// String, XML document text or typed-object class name; "" otherwise.
    const std::string& AsString() const;
    /// Properties of an object, ECMA array or typed object; empty otherwise.
    const Properties& AsProperties() const;
    /// Items of a strict array; empty otherwise.
    const Array& AsArray() const;
    int16_t timezone() const { return timezone_; }

    /// First property named `key` of an object/ECMA array/typed object, or
    /// nullptr (also for other types).
    const Value* Get(std::string_view key) const;
    /// Convenience: Get(key) as a string, or `fallback` when absent or not a string.
    std::string_view GetString(std::string_view key, std::string_view fallback = {}) const;
    /// Convenience: Get(key) as a number, or `fallback` when absent or not a number.
    double GetNumber(std::string_view key, double fallback = 0.0) const;

    /// Replaces the first property named `key` or appends it. Turns a value
    /// without properties into an Object first.
    Value& Set(std::string key, Value value);
    /// Appends to a strict array (turning other values into one first).
    Value& Push(Value item);

    bool operator==(const Value& other) const;
    bool operator!=(const Value& other) const { return !(*this == other); }

private:
    explicit Value(Type type) : type_(type) {}

    Type type_ = Type::kNull;
    bool boolean_ = false;
    int16_t timezone_ = 0;
    double number_ = 0.0;
    std::string string_;
    Properties properties_;
    Array items_;
};

/// A human-readable one-line rendering for logs and test failures, e.g.
/// `{app: "live", flashVer: "FMLE/3.0", capabilities: 15}`.
std::string ToString(const Value& value);

}  // namespace onair::proto::amf0
