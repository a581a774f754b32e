// SPDX-License-Identifier: Apache-2.0
#include "onair/base/form_urlencoded.h"

namespace onair::base {

namespace {

int HexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool Unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

Error FieldError(ErrorCode code, size_t field, std::string_view what) {
    return MakeError(code, "form field " + std::to_string(field) + ": " + std::string(what));
}

/// Decodes one name or value of field number `field` (1-based) into `out`.
Status Decode(std::string_view in, size_t field, const FormLimits& limits, std::string& out) {
    out.clear();
    for (size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            const int hi = i + 1 < in.size() ? HexDigit(in[i + 1]) : -1;
            const int lo = i + 2 < in.size() ? HexDigit(in[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                return FieldError(ErrorCode::kInvalidData, field, "'%' not followed by two hex digits");
            }
            c = static_cast<char>(hi * 16 + lo);
            if (c == '\0') return FieldError(ErrorCode::kInvalidData, field, "NUL byte (%00)");
            i += 2;
        } else if (c == '\0') {
            // Raw or escaped, the same answer (found by base_form_fuzz).
            return FieldError(ErrorCode::kInvalidData, field, "NUL byte");
        }
        if (out.size() == limits.max_value_bytes) {
            return FieldError(ErrorCode::kLimitExceeded, field,
                              "longer than " + std::to_string(limits.max_value_bytes) + " bytes");
        }
        out += c;
    }
    return Status::Ok();
}

}  // namespace

Result<FormFields> ParseForm(std::string_view body, const FormLimits& limits) {
    FormFields fields;
    while (!body.empty()) {
        const size_t amp = body.find('&');
        const std::string_view piece = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
        if (piece.empty()) continue;
        if (fields.size() == limits.max_fields) {
            return MakeError(ErrorCode::kLimitExceeded,
                             "form has more than " + std::to_string(limits.max_fields) + " fields");
        }
        const size_t eq = piece.find('=');
        const size_t n = fields.size() + 1;
        std::pair<std::string, std::string> f;
        if (auto st = Decode(piece.substr(0, eq), n, limits, f.first); !st.ok()) return st.error();
        if (eq != std::string_view::npos) {
            if (auto st = Decode(piece.substr(eq + 1), n, limits, f.second); !st.ok()) return st.error();
        }
        fields.push_back(std::move(f));
    }
    return fields;
}

std::string EncodeForm(const FormFields& fields) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    auto encode = [&out](std::string_view s) {
        for (const char ch : s) {
            const auto c = static_cast<unsigned char>(ch);
            if (Unreserved(c)) {
                out += ch;
            } else {
                out += '%';
                out += kHex[c >> 4];
                out += kHex[c & 15];
            }
        }
    };
    for (const auto& [name, value] : fields) {
        if (!out.empty()) out += '&';
        encode(name);
        out += '=';
        encode(value);
    }
    return out;
}

std::optional<std::string_view> FormValue(const FormFields& fields, std::string_view name) {
    for (const auto& [n, v] : fields) {
        if (n == name) return std::string_view(v);
    }
    return std::nullopt;
}

}  // namespace onair::base
