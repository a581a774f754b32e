// SPDX-License-Identifier: Apache-2.0
#include "onair/runtime/logger.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <ctime>

namespace onair::runtime {

namespace {

std::atomic<int> g_level{2};  // info
std::atomic<bool> g_json{true};

const char* kLevelNames[] = {"trace", "debug", "info", "warn", "error", "off"};

spdlog::logger& Sink() {
    static std::shared_ptr<spdlog::logger> logger = [] {
        auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
        auto l = std::make_shared<spdlog::logger>("onair", sink);
        l->set_pattern("%v");
        l->set_level(spdlog::level::trace);
        l->flush_on(spdlog::level::trace);
        return l;
    }();
    return *logger;
}

bool IsSecretKey(std::string_view key) {
    for (std::string_view s : {"stream_key", "key", "token", "password", "secret", "authorization"}) {
        if (key == s || (key.size() > s.size() && key.substr(key.size() - s.size()) == s &&
                         key[key.size() - s.size() - 1] == '.'))
            return true;
    }
    return false;
}

std::string Timestamp() {
    const auto now = std::chrono::system_clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
    return buf;
}

}  // namespace

std::string FormatLogLine(int level, std::string_view component, std::string_view message,
                          std::initializer_list<LogField> fields, bool json) {
    if (json) {
        nlohmann::ordered_json line;
        line["@timestamp"] = Timestamp();
        line["log.level"] = kLevelNames[level];
        line["log.logger"] = component;
        line["message"] = message;
        for (const auto& [k, v] : fields) line[std::string(k)] = IsSecretKey(k) ? nlohmann::json("[redacted]") : v;
        return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    std::string out = Timestamp() + " " + kLevelNames[level] + " [" + std::string(component) + "] " +
                      std::string(message);
    for (const auto& [k, v] : fields) {
        out += " " + std::string(k) + "=" +
               (IsSecretKey(k) ? std::string("[redacted]")
                               : v.is_string() ? v.get<std::string>()
                                               : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    return out;
}

void Logger::Write(int level, std::string_view message, std::initializer_list<LogField> fields) const {
    if (level < g_level.load(std::memory_order_relaxed)) return;
    Sink().log(spdlog::level::info, FormatLogLine(level, component_, message, fields, g_json.load()));
}

void Logger::Trace(std::string_view m, std::initializer_list<LogField> f) const { Write(0, m, f); }
void Logger::Debug(std::string_view m, std::initializer_list<LogField> f) const { Write(1, m, f); }
void Logger::Info(std::string_view m, std::initializer_list<LogField> f) const { Write(2, m, f); }
void Logger::Warn(std::string_view m, std::initializer_list<LogField> f) const { Write(3, m, f); }
void Logger::Error(std::string_view m, std::initializer_list<LogField> f) const { Write(4, m, f); }

void SetLogLevel(const std::string& level) {
    for (int i = 0; i < 6; ++i)
        if (level == kLevelNames[i]) g_level = i;
}

void SetLogFormat(const std::string& format) { g_json = format != "text"; }

}  // namespace onair::runtime
