// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/access_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "onair/format/hls/date_time.h"
#include "onair/runtime/logger.h"

namespace onair::server::http {

namespace {

constexpr std::string_view kRedacted = "REDACTED";

bool EndsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A parameter name (still percent-encoded, lowercased) that names a credential.
bool IsSecretName(std::string_view lower) {
    static constexpr std::array<std::string_view, 9> kNames = {"key",  "secret", "password", "passwd", "signature",
                                                               "sig",  "auth",   "jwt",      "credential"};
    for (auto n : kNames) {
        if (lower == n) return true;
    }
    return EndsWith(lower, "token") || EndsWith(lower, "_key") || EndsWith(lower, "-key") ||
           EndsWith(lower, "apikey") || EndsWith(lower, "secret") || EndsWith(lower, "password");
}

int OpenTarget(const std::string& target) {
    if (target == "stderr") return STDERR_FILENO;
    return ::open(target.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

}  // namespace

std::string RedactQuery(std::string_view query) {
    std::string out;
    out.reserve(query.size());
    while (true) {
        const size_t amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        const size_t eq = pair.find('=');
        const std::string_view name = pair.substr(0, eq);
        std::string lower(name);
        for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        if (eq != std::string_view::npos && IsSecretName(lower)) {
            out.append(name).append("=").append(kRedacted);
        } else {
            out.append(pair);
        }
        if (amp == std::string_view::npos) break;
        out.push_back('&');
        query.remove_prefix(amp + 1);
    }
    return out;
}

std::string AccessLogLine(const CompletedRequest& r, std::string_view service_name, std::string_view node_name) {
    const int64_t ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(r.received_at.time_since_epoch()).count();
    nlohmann::json j = {
        {"@timestamp", format::hls::FormatDateTime(ms)},
        {"client.ip", r.client_ip},
        {"url.path", r.path},
        {"http.request.method", r.method},
        {"http.response.status_code", r.status},
        {"http.response.body.bytes", r.body_bytes},
        {"event.duration", r.duration_ns},
        {"user_agent.original", r.user_agent},
        {"service.name", service_name},
        {"service.node.name", node_name},
        {"event.dataset", "onair.access"},
    };
    if (!r.query.empty()) j["url.query"] = RedactQuery(r.query);
    if (!r.referrer.empty()) j["http.request.referrer"] = r.referrer;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

base::Result<std::unique_ptr<AccessLog>> AccessLog::Open(AccessLogOptions options, runtime::Metrics& metrics) {
    if (options.target.empty() || options.target == "off")
        return base::MakeError(base::ErrorCode::kInvalidData, "access log: no target");
    const int fd = OpenTarget(options.target);
    if (fd < 0)
        return base::MakeError(base::ErrorCode::kIo,
                               "access log: cannot open " + options.target + ": " + std::strerror(errno));
    auto& dropped = metrics.counter("onair_http_access_log_dropped_total",
                                    "HTTP access-log lines dropped because the writer fell behind");
    return std::unique_ptr<AccessLog>(new AccessLog(std::move(options), fd, dropped));
}

AccessLog::AccessLog(AccessLogOptions options, int fd, runtime::Counter& dropped)
    : options_(std::move(options)), fd_(fd), dropped_(dropped), writer_([this] { Run(); }) {}

AccessLog::~AccessLog() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    wake_.notify_all();
    writer_.join();
    if (fd_ != STDERR_FILENO) ::close(fd_);
}

void AccessLog::OnRequest(const CompletedRequest& r) {
    {
        std::lock_guard lock(mu_);
        if (queue_.size() >= options_.max_queued) {
            dropped_.Inc();
            return;
        }
        queue_.push_back(Entry{r.received_at, r.duration_ns, r.status, r.body_bytes, std::string(r.client_ip),
                               std::string(r.method), std::string(r.path), std::string(r.query),
                               std::string(r.user_agent), std::string(r.referrer)});
        ++queued_total_;
    }
    wake_.notify_one();
}

void AccessLog::Reopen() {
    {
        std::lock_guard lock(mu_);
        reopen_ = true;
    }
    wake_.notify_one();
}

void AccessLog::Flush() {
    std::unique_lock lock(mu_);
    const uint64_t target = queued_total_;
    drained_.wait(lock, [&] { return written_total_ >= target; });
}

uint64_t AccessLog::written() const {
    std::lock_guard lock(mu_);
    return written_total_;
}

void AccessLog::WriteAll(const std::string& bytes) {
    size_t at = 0;
    while (at < bytes.size()) {
        const ssize_t n = ::write(fd_, bytes.data() + at, bytes.size() - at);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // a full disk or a closed pipe loses lines; nothing else to do here
        at += static_cast<size_t>(n);
    }
}

void AccessLog::Run() {
    std::deque<Entry> batch;
    std::unique_lock lock(mu_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || reopen_ || !queue_.empty(); });
        batch.swap(queue_);
        const bool reopen = std::exchange(reopen_, false);
        const bool stopping = stopping_;
        lock.unlock();
        if (reopen && fd_ != STDERR_FILENO) {
            const int fd = OpenTarget(options_.target);
            if (fd >= 0) {
                ::close(fd_);
                fd_ = fd;
            } else {
                runtime::Logger("http").Warn("access log: cannot reopen",
                                             {{"file.path", options_.target}, {"error.message", std::strerror(errno)}});
            }
        }
        std::string out;
        for (const Entry& e : batch) {
            CompletedRequest r{e.received_at, e.duration_ns, e.client_ip, e.method, e.path,
                               e.query,       e.user_agent,  e.referrer,  e.status, e.body_bytes};
            out += AccessLogLine(r, options_.service_name, options_.node_name);
            out += '\n';
            // stderr is shared with the process's own log: one write per
            // line keeps lines whole on a pipe (PIPE_BUF).
            if (fd_ == STDERR_FILENO) {
                WriteAll(out);
                out.clear();
            }
        }
        WriteAll(out);
        const size_t n = batch.size();
        batch.clear();
        lock.lock();
        written_total_ += n;
        drained_.notify_all();
        if (stopping && queue_.empty()) return;
    }
}

}  // namespace onair::server::http
