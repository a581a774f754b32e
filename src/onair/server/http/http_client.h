// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "onair/base/result.h"
#include "onair/server/http/http_method.h"

namespace onair::server::http {

/// One outgoing request (webhooks, an ingest node calling the manager, the
/// CLI calling the REST API).
struct FetchRequest {
    HttpMethod method = HttpMethod::kGet;
    std::string url;                                           // http://... or https://...
    std::vector<std::pair<std::string, std::string>> headers;  // sent as given; Host, User-Agent and
                                                               // Content-Length are set by Fetch
    std::string body;
    std::chrono::milliseconds timeout{10000};  // connect, TLS handshake, request and response together
    size_t max_body_bytes = 1u << 20;          // a longer response body is an error (kLimitExceeded)
    std::string ca_file;                       // https: trust the CAs in this PEM file, not the system store
};

struct FetchResponse {
    unsigned status = 0;
    std::vector<std::pair<std::string, std::string>> headers;  // in the order received
    std::string body;

    /// The first header named `name` (case-insensitive), or "" when absent.
    std::string_view header(std::string_view name) const;
};

/// Sends one request on a new connection (Connection: close) and reads the
/// response, whatever its status. https verifies the server's certificate
/// chain (system CA store, or `ca_file`) and that it names the URL's host
/// (SNI sent for host names). Redirects are not followed. Errors are values:
/// kIo for name resolution, refused or reset connections, TLS failures and
/// timeouts ("timed out after N ms"), kLimitExceeded for a response body over
/// the limit, kInvalidData / kUnsupported for a bad URL or a malformed
/// response. Messages name "METHOD scheme://host:port/path", never the query
/// string. Name resolution runs in Asio's resolver thread and is bounded by
/// the system resolver's own timeouts; the deadline counts from the start.
boost::asio::awaitable<base::Result<FetchResponse>> Fetch(boost::asio::any_io_executor executor, FetchRequest request);

/// Fetch on an io_context of its own, for code without one (the CLI).
/// Blocks the calling thread; never call it on an IO thread.
base::Result<FetchResponse> FetchBlocking(FetchRequest request);

}  // namespace onair::server::http
