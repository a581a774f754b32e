// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <string>
#include <utility>
#include <variant>

namespace onair::base {

enum class ErrorCode {
    kInvalidData,      // malformed input
    kLimitExceeded,    // input within syntax but beyond a configured limit
    kUnsupported,      // valid but not handled (codec, feature)
    kNotFound,
    kAlreadyExists,
    kIo,
    kInternal,
};

const char* ErrorCodeName(ErrorCode code);

/// An error as a value: a code and a human-readable context. Never holds a
/// stream key or other secret.
struct Error {
    ErrorCode code = ErrorCode::kInternal;
    std::string message;

    /// Prefixes the message with the context of the caller ("avcC: ...").
    Error Wrap(std::string_view context) const {
        return Error{code, std::string(context) + ": " + message};
    }
};

/// Value or Error (C++20 stand-in for std::expected). Another error type E
/// serves layers whose failures are something else (an HTTP response).
template <typename T, typename E = Error>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
    Result(E error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const E& error() const { return std::get<1>(v_); }

private:
    std::variant<T, E> v_;
};

/// Result without a value.
class [[nodiscard]] Status {
public:
    Status() = default;
    Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)
    static Status Ok() { return Status(); }
    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const { return error_; }

private:
    Error error_;
    bool ok_ = true;
};

inline Error MakeError(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

}  // namespace onair::base
