// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "onair/base/shared_buffer.h"

namespace onair::server::http {

/// A parsed request as handlers see it (views into the server's buffers,
/// valid during the call).
struct HttpRequest {
    std::string_view method;  // "GET", "HEAD", "OPTIONS", ...
    std::string_view path;    // target without the query string
    std::string_view query;   // after '?', may be empty
    std::string_view if_none_match;
    std::string_view client_ip;
};

/// A response; the body is shared, not copied, into the socket write.
struct HttpResponse {
    unsigned status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string cache_control = "no-cache";
    std::string etag;
    base::SharedBuffer body;
    std::vector<std::pair<std::string, std::string>> headers;

    static HttpResponse Text(unsigned status, std::string_view text) {
        HttpResponse r;
        r.status = status;
        r.body = base::SharedBuffer::Copy(text);
        return r;
    }
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace onair::server::http
