// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <boost/beast/http/fields.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "onair/base/shared_buffer.h"
#include "onair/server/http/file_body.h"
#include "onair/server/http/http_method.h"

namespace onair::server::http {

class BodyStream;

/// A parsed request as handlers see it: views into the connection's parser
/// and buffers, valid until the handler's response is returned (also while a
/// blocking handler runs on a worker thread).
struct HttpRequest {
    std::string_view method;  // "GET", "HEAD", "OPTIONS", ... as sent
    HttpMethod verb = HttpMethod::kOther;
    std::string_view path;   // target without the query string, not decoded
    std::string_view query;  // after '?', may be empty
    std::string_view body;
    std::string_view client_ip;
    const boost::beast::http::fields* fields = nullptr;  // the request header; null: none

    /// The first header named `name` (case-insensitive), or "" when absent.
    std::string_view header(std::string_view name) const {
        if (fields == nullptr) return {};
        auto it = fields->find(boost::beast::string_view(name.data(), name.size()));
        if (it == fields->end()) return {};
        return {it->value().data(), it->value().size()};
    }
};

/// A response; the body is shared, not copied, into the socket write, or,
/// when `file` is set, streamed from the file (never read whole into
/// memory; `body` is then ignored), or, when `stream` is set, sent as it is
/// appended (BodyStream: chunked; `body` and `file` are then ignored).
/// Headers in `headers` are set last and replace the server's defaults
/// (CORS, Server) of the same name.
///
/// A 200 answer to a GET or HEAD is then served as RFC 9110 says (see
/// SelectBodyPart): 304 when If-None-Match matches `etag`, 206 or 416 for a
/// Range, `Accept-Ranges: bytes`; the handler only says what the whole
/// representation is. A stream's size is not known: only If-None-Match
/// applies to it (when `etag` is set), never Range.
struct HttpResponse {
    unsigned status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string cache_control = "no-cache";
    std::string etag;  // quoted: "\"abc\"" (strong) or "W/\"abc\"" (weak)
    base::SharedBuffer body;
    std::optional<FileBody> file;
    std::shared_ptr<BodyStream> stream;
    std::vector<std::pair<std::string, std::string>> headers;
    /// Set by the inline handler of an HttpDispatcher::HandleInlineOrAsync
    /// route that cannot answer without waiting: the route's async handler
    /// answers instead (the rest of this response is ignored).
    bool defer = false;

    static HttpResponse Text(unsigned status, std::string_view text) {
        HttpResponse r;
        r.status = status;
        r.body = base::SharedBuffer::Copy(text);
        return r;
    }
    /// 404 "not found" with a body shared by every call.
    static HttpResponse NotFound() {
        static const base::SharedBuffer kBody = base::SharedBuffer::Copy(std::string_view("not found\n"));
        HttpResponse r;
        r.status = 404;
        r.body = kBody;
        return r;
    }
    /// 200 with the bytes of an open file.
    static HttpResponse File(FileBody file, std::string content_type) {
        HttpResponse r;
        r.content_type = std::move(content_type);
        r.file = std::move(file);
        return r;
    }

    /// 200 with a body sent while it is written.
    static HttpResponse Stream(std::shared_ptr<BodyStream> stream, std::string content_type) {
        HttpResponse r;
        r.content_type = std::move(content_type);
        r.stream = std::move(stream);
        return r;
    }

    /// The size of the whole representation: the file's or the body's (0
    /// for a stream: not known yet).
    uint64_t representation_size() const { return file ? file->size() : body.size(); }
};

/// A handler that answers at once. Run on an IO thread it must not block;
/// see HttpDispatcher for handlers that may.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

}  // namespace onair::server::http
