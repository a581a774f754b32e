// SPDX-License-Identifier: Apache-2.0
#include "onair/proto/amf0/value.h"

#include <cstdio>

namespace onair::proto::amf0 {

Value Value::Number(double v) {
    Value out(Type::kNumber);
    out.number_ = v;
    return out;
}

Value Value::Boolean(bool v) {
    Value out(Type::kBoolean);
    out.boolean_ = v;
    return out;
}

Value Value::String(std::string v) {
    Value out(Type::kString);
    out.string_ = std::move(v);
    return out;
}

Value Value::Object(Properties properties) {
    Value out(Type::kObject);
    out.properties_ = std::move(properties);
    return out;
}

Value Value::Undefined() { return Value(Type::kUndefined); }

Value Value::EcmaArray(Properties properties) {
    Value out(Type::kEcmaArray);
    out.properties_ = std::move(properties);
    return out;
}

Value Value::StrictArray(Array items) {
    Value out(Type::kStrictArray);
    out.items_ = std::move(items);
    return out;
}

Value Value::Date(double ms, int16_t timezone) {
    Value out(Type::kDate);
    out.number_ = ms;
    out.timezone_ = timezone;
    return out;
}

Value Value::XmlDocument(std::string xml) {
    Value out(Type::kXmlDocument);
    out.string_ = std::move(xml);
    return out;
}

Value Value::TypedObject(std::string class_name, Properties properties) {
    Value out(Type::kTypedObject);
    out.string_ = std::move(class_name);
    out.properties_ = std::move(properties);
    return out;
}

Value Value::Unsupported() { return Value(Type::kUnsupported); }

const std::string& Value::AsString() const {
    static const std::string kEmpty;
    return (IsString() || IsXmlDocument() || IsTypedObject()) ? string_ : kEmpty;
}

const Value::Properties& Value::AsProperties() const {
    static const Properties kEmpty;
    return HasProperties() ? properties_ : kEmpty;
}

const Value::Array& Value::AsArray() const {
    static const Array kEmpty;
    return IsStrictArray() ? items_ : kEmpty;
}

const Value* Value::Get(std::string_view key) const {
    if (!HasProperties()) return nullptr;
    for (const auto& [name, value] : properties_) {
        if (name == key) return &value;
    }
    return nullptr;
}

std::string_view Value::GetString(std::string_view key, std::string_view fallback) const {
    const Value* v = Get(key);
    return (v && v->IsString()) ? std::string_view(v->string_) : fallback;
}

double Value::GetNumber(std::string_view key, double fallback) const {
    const Value* v = Get(key);
    return (v && v->IsNumber()) ? v->number_ : fallback;
}

Value& Value::Set(std::string key, Value value) {
    if (!HasProperties()) *this = Object();
    for (auto& [name, existing] : properties_) {
        if (name == key) {
            existing = std::move(value);
            return *this;
        }
    }
    properties_.emplace_back(std::move(key), std::move(value));
    return *this;
}

Value& Value::Push(Value item) {
    if (!IsStrictArray()) *this = StrictArray();
    items_.push_back(std::move(item));
    return *this;
}

bool Value::operator==(const Value& other) const {
    if (type_ != other.type_) return false;
    switch (type_) {
        case Type::kNumber: return number_ == other.number_;
        case Type::kBoolean: return boolean_ == other.boolean_;
        case Type::kString:
        case Type::kXmlDocument: return string_ == other.string_;
        case Type::kObject:
        case Type::kEcmaArray: return properties_ == other.properties_;
        case Type::kTypedObject: return string_ == other.string_ && properties_ == other.properties_;
        case Type::kStrictArray: return items_ == other.items_;
        case Type::kDate: return number_ == other.number_ && timezone_ == other.timezone_;
        case Type::kNull:
        case Type::kUndefined:
        case Type::kUnsupported: return true;
    }
    return false;
}

namespace {

void AppendQuoted(std::string& out, const std::string& s) {
    out += '"';
    out += s;
    out += '"';
}

void AppendProperties(std::string& out, const Value::Properties& props);

void Append(std::string& out, const Value& v) {
    char buf[64];
    switch (v.type()) {
        case Value::Type::kNumber:
            std::snprintf(buf, sizeof(buf), "%.17g", v.AsNumber());
            out += buf;
            break;
        case Value::Type::kBoolean: out += v.AsBoolean() ? "true" : "false"; break;
        case Value::Type::kString: AppendQuoted(out, v.AsString()); break;
        case Value::Type::kNull: out += "null"; break;
        case Value::Type::kUndefined: out += "undefined"; break;
        case Value::Type::kUnsupported: out += "unsupported"; break;
        case Value::Type::kObject: AppendProperties(out, v.AsProperties()); break;
        case Value::Type::kEcmaArray:
            out += "ecma";
            AppendProperties(out, v.AsProperties());
            break;
        case Value::Type::kTypedObject:
            out += v.AsString();
            AppendProperties(out, v.AsProperties());
            break;
        case Value::Type::kStrictArray: {
            out += '[';
            bool first = true;
            for (const auto& item : v.AsArray()) {
                if (!first) out += ", ";
                first = false;
                Append(out, item);
            }
            out += ']';
            break;
        }
        case Value::Type::kDate:
            std::snprintf(buf, sizeof(buf), "date(%.17g, tz %d)", v.AsNumber(), v.timezone());
            out += buf;
            break;
        case Value::Type::kXmlDocument:
            out += "xml";
            AppendQuoted(out, v.AsString());
            break;
    }
}

void AppendProperties(std::string& out, const Value::Properties& props) {
    out += '{';
    bool first = true;
    for (const auto& [name, value] : props) {
        if (!first) out += ", ";
        first = false;
        out += name;
        out += ": ";
        Append(out, value);
    }
    out += '}';
}

}  // namespace

std::string ToString(const Value& value) {
    std::string out;
    Append(out, value);
    return out;
}

}  // namespace onair::proto::amf0
