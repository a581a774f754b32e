// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <chrono>
#include <cstdint>
#include <string_view>

namespace onair::server::http {

/// One request as answered: what an access log line and the edge's viewer
/// counts are made of. Views into the connection's buffers, valid only
/// during RequestObserver::OnRequest.
struct CompletedRequest {
    std::chrono::system_clock::time_point received_at;  // the request read whole
    int64_t duration_ns = 0;                            // request read → response written
    std::string_view client_ip;
    std::string_view method;
    std::string_view path;   // not decoded
    std::string_view query;  // empty when absent
    std::string_view user_agent;
    std::string_view referrer;
    unsigned status = 0;      // as sent: 200, 206, 304, 404...; 499: the client closed first (nothing sent)
    uint64_t body_bytes = 0;  // body bytes actually written (the 206's part; 0 for HEAD; a stream's without framing)
};

/// Told of every request an HttpServer answered, on the connection's IO
/// thread, after its response was written (or the write failed): it must
/// not block (no disk, no lock held for long).
class RequestObserver {
public:
    virtual ~RequestObserver() = default;
    virtual void OnRequest(const CompletedRequest& request) = 0;
};

}  // namespace onair::server::http
