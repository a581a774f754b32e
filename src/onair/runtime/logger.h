// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>

namespace onair::runtime {

using LogField = std::pair<std::string_view, nlohmann::json>;

/// JSON-lines logger with Elastic Common Schema field names:
///   {"@timestamp":"2026-11-24T10:00:00.123Z","log.level":"info",
///    "log.logger":"rtmp","message":"publish accepted","client.ip":"..."}
/// Thread-safe. Fields named like secrets (stream_key, token, password) are
/// never printed: their value is replaced by "[redacted]".
class Logger {
public:
    explicit Logger(std::string component) : component_(std::move(component)) {}

    void Trace(std::string_view message, std::initializer_list<LogField> fields = {}) const;
    void Debug(std::string_view message, std::initializer_list<LogField> fields = {}) const;
    void Info(std::string_view message, std::initializer_list<LogField> fields = {}) const;
    void Warn(std::string_view message, std::initializer_list<LogField> fields = {}) const;
    void Error(std::string_view message, std::initializer_list<LogField> fields = {}) const;

private:
    void Write(int level, std::string_view message, std::initializer_list<LogField> fields) const;
    std::string component_;
};

/// "trace" | "debug" | "info" | "warn" | "error" | "off".
void SetLogLevel(const std::string& level);
/// "json" (default) or "text".
void SetLogFormat(const std::string& format);
/// Formats one line without printing it (tests).
std::string FormatLogLine(int level, std::string_view component, std::string_view message,
                          std::initializer_list<LogField> fields, bool json);

}  // namespace onair::runtime
