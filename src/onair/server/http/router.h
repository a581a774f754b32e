// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "onair/server/http/http_types.h"

namespace onair::server::http {

/// The values of a matched pattern's {name} segments, percent-decoded.
class PathParams {
public:
    /// The value of {name}, or "" when the pattern has no such parameter.
    std::string_view operator[](std::string_view name) const;
    void Add(std::string name, std::string value) { params_.emplace_back(std::move(name), std::move(value)); }
    size_t size() const { return params_.size(); }

private:
    std::vector<std::pair<std::string, std::string>> params_;
};

using RouteHandler = std::function<HttpResponse(const HttpRequest&, const PathParams&)>;

/// A REST router: (method, pattern) -> handler. A pattern is a path of
/// literal segments and {name} segments, each {name} matching one non-empty
/// segment: "/api/v1/channels/{name}/rotate-key". Paths are matched whole
/// (no trailing-slash folding), the query string is ignored. Where several
/// patterns match a path and have the method, the one whose first literal
/// segment comes earlier wins ("/channels/new" before "/channels/{name}").
///
/// The router answers itself, in the API's JSON error shape:
///   * 404 not_found: no pattern matches the path;
///   * 405 method_not_allowed with Allow: patterns match, not with this method;
///   * OPTIONS (CORS preflight) on a known path: 204 with Allow,
///     Access-Control-Allow-Methods (the path's methods),
///     Access-Control-Allow-Headers: Authorization, Content-Type and
///     Access-Control-Max-Age;
///   * HEAD is answered by the GET handler unless a HEAD route exists (the
///     server sends no body);
///   * 400 invalid_argument when a parameter's percent-encoding is broken;
///   * 500 internal when a handler throws (logged with the path).
/// Handle() is a plain HttpHandler: register it with
/// HttpDispatcher::HandleBlocking when the handlers call a database.
class Router {
public:
    /// Adds a route. Throws std::invalid_argument for a pattern that does not
    /// start with '/', has an empty segment or a broken {name}, and for
    /// HttpMethod::kOther: routes are fixed at start-up.
    Router& Add(HttpMethod method, std::string_view pattern, RouteHandler handler);

    HttpResponse Handle(const HttpRequest& request) const;

private:
    struct Segment {
        std::string text;  // the literal, or the parameter's name
        bool param = false;
    };
    struct Route {
        HttpMethod method;
        std::vector<Segment> segments;
        RouteHandler handler;
    };
    /// The most precise route for `method` matching `parts`, or null; adds
    /// the methods of every matching route to `methods` (bit per HttpMethod).
    const Route* Find(const std::vector<std::string_view>& parts, HttpMethod method, unsigned& methods) const;

    std::vector<Route> routes_;
};

}  // namespace onair::server::http
