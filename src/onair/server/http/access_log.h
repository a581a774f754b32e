// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "onair/base/result.h"
#include "onair/runtime/metrics.h"
#include "onair/server/http/request_observer.h"

namespace onair::server::http {

/// The query string as logged: the value of every parameter whose name
/// says it is a credential (token, access_token, key, api_key, secret,
/// password, signature, sig, auth, jwt, or a name ending in "token",
/// "_key", "-key", "apikey", "secret", "password"; case-insensitive)
/// replaced by "REDACTED"; the rest as sent.
std::string RedactQuery(std::string_view query);

/// The access-log line of one request (no trailing newline): one JSON
/// object with Elastic Common Schema field names (docs/ACCESS_LOG.md):
/// @timestamp, client.ip, url.path, url.query (if any, redacted),
/// http.request.method, http.response.status_code, http.response.body.bytes,
/// event.duration (ns), user_agent.original, http.request.referrer (if any),
/// service.name, service.node.name, event.dataset "onair.access". Bytes that
/// are not UTF-8 are replaced (U+FFFD), so every line parses.
std::string AccessLogLine(const CompletedRequest& request, std::string_view service_name, std::string_view node_name);

struct AccessLogOptions {
    std::string target;        // "stderr" or a file path (appended to, created 0644)
    std::string service_name;  // the role: "edge", "serve", ...
    std::string node_name;     // node_id
    size_t max_queued = 16384; // requests waiting for the writer; beyond it they are dropped (counted)
};

/// The HTTP access log: one line per request, written by a thread of its
/// own so that the IO threads never wait on a disk or a pipe. OnRequest
/// copies the request into a bounded queue; when it is full the request is
/// dropped and counted (`onair_http_access_log_dropped_total`). The writer
/// formats and writes what is queued in batches; Reopen (SIGHUP) makes it
/// reopen a file, for logrotate. Destruction writes what is queued.
class AccessLog final : public RequestObserver {
public:
    static base::Result<std::unique_ptr<AccessLog>> Open(AccessLogOptions options, runtime::Metrics& metrics);
    ~AccessLog() override;
    AccessLog(const AccessLog&) = delete;
    AccessLog& operator=(const AccessLog&) = delete;

    void OnRequest(const CompletedRequest& request) override;
    /// The writer reopens the file at its next batch (no-op for stderr).
    void Reopen();
    /// Waits until every request queued before the call is written.
    void Flush();

    uint64_t dropped() const { return dropped_.Value(); }
    uint64_t written() const;

private:
    struct Entry {
        std::chrono::system_clock::time_point received_at;
        int64_t duration_ns;
        unsigned status;
        uint64_t body_bytes;
        std::string client_ip, method, path, query, user_agent, referrer;
    };
    AccessLog(AccessLogOptions options, int fd, runtime::Counter& dropped);
    void Run();
    void WriteAll(const std::string& bytes);

    const AccessLogOptions options_;
    int fd_;  // 2 for stderr; owned otherwise
    runtime::Counter& dropped_;
    mutable std::mutex mu_;
    std::condition_variable wake_;
    std::condition_variable drained_;
    std::deque<Entry> queue_;
    uint64_t queued_total_ = 0;
    uint64_t written_total_ = 0;
    bool reopen_ = false;
    bool stopping_ = false;
    std::thread writer_;
};

}  // namespace onair::server::http
