// SPDX-License-Identifier: Apache-2.0
#include "onair/transcode/ff_log.h"

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <string>
#include <unordered_map>

#include "onair/runtime/logger.h"
#include "onair/transcode/ff_handles.h"

namespace onair::transcode::ff {

namespace {

void OnLog(void* avcl, int level, const char* fmt, va_list args) {
    if (level > AV_LOG_WARNING) return;
    char line[512];
    int prefix = 1;
    av_log_format_line2(avcl, level, fmt, args, line, sizeof line, &prefix);
    std::string text(line);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    if (text.empty()) return;
    static std::mutex mu;
    static std::unordered_map<std::string, std::chrono::steady_clock::time_point> last;
    {
        std::lock_guard lock(mu);
        const auto now = std::chrono::steady_clock::now();
        auto& at = last[text];
        if (at.time_since_epoch().count() != 0 && now - at < std::chrono::seconds(1)) return;
        at = now;
        if (last.size() > 1024) last.clear();
    }
    static const runtime::Logger log("ffmpeg");
    if (level <= AV_LOG_ERROR) {
        log.Error(text);
    } else {
        log.Warn(text);
    }
}

}  // namespace

void RouteFfmpegLog() {
    static std::once_flag once;
    std::call_once(once, [] { av_log_set_callback(&OnLog); });
}

}  // namespace onair::transcode::ff
