// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/router.h"

#include "onair/runtime/logger.h"

#include <stdexcept>

#include "onair/server/http/json_response.h"

namespace onair::server::http {

namespace {

constexpr HttpMethod kAllowOrder[] = {HttpMethod::kGet,   HttpMethod::kHead,   HttpMethod::kPost,   HttpMethod::kPut,
                                      HttpMethod::kPatch, HttpMethod::kDelete, HttpMethod::kOptions};

unsigned Bit(HttpMethod m) { return 1u << static_cast<unsigned>(m); }

// "/a/b" -> {"a", "b"}; "/" -> {}. False for a path not starting with '/' or
// with an empty segment.
bool SplitSegments(std::string_view path, std::vector<std::string_view>& parts) {
    if (path.empty() || path.front() != '/') return false;
    path.remove_prefix(1);
    if (path.empty()) return true;
    for (;;) {
        const auto slash = path.find('/');
        parts.push_back(path.substr(0, slash));
        if (parts.back().empty()) return false;
        if (slash == std::string_view::npos) return true;
        path.remove_prefix(slash + 1);
    }
}

int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool PercentDecode(std::string_view in, std::string& out) {
    out.clear();
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
            continue;
        }
        if (i + 2 >= in.size()) return false;
        const int hi = HexValue(in[i + 1]);
        const int lo = HexValue(in[i + 2]);
        if (hi < 0 || lo < 0) return false;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return true;
}

std::string AllowHeader(unsigned methods) {
    if (methods & Bit(HttpMethod::kGet)) methods |= Bit(HttpMethod::kHead);
    methods |= Bit(HttpMethod::kOptions);
    std::string allow;
    for (HttpMethod m : kAllowOrder) {
        if (!(methods & Bit(m))) continue;
        if (!allow.empty()) allow += ", ";
        allow += HttpMethodName(m);
    }
    return allow;
}

}  // namespace

std::string_view PathParams::operator[](std::string_view name) const {
    for (const auto& [k, v] : params_)
        if (k == name) return v;
    return {};
}

Router& Router::Add(HttpMethod method, std::string_view pattern, RouteHandler handler) {
    if (method == HttpMethod::kOther) throw std::invalid_argument("router: a route needs a known method");
    std::vector<std::string_view> parts;
    if (!SplitSegments(pattern, parts))
        throw std::invalid_argument("router: malformed pattern " + std::string(pattern));
    Route route{method, {}, std::move(handler)};
    for (std::string_view part : parts) {
        const bool open = part.front() == '{';
        const bool close = part.back() == '}';
        if (open != close || (open && part.size() < 3) || (!open && part.find_first_of("{}") != std::string_view::npos))
            throw std::invalid_argument("router: malformed pattern " + std::string(pattern));
        route.segments.push_back(open ? Segment{std::string(part.substr(1, part.size() - 2)), true}
                                      : Segment{std::string(part), false});
    }
    routes_.push_back(std::move(route));
    return *this;
}

const Router::Route* Router::Find(const std::vector<std::string_view>& parts, HttpMethod method,
                                  unsigned& methods) const {
    const Route* best = nullptr;
    for (const auto& route : routes_) {
        if (route.segments.size() != parts.size()) continue;
        bool match = true;
        for (size_t i = 0; i < parts.size() && match; ++i)
            match = route.segments[i].param || route.segments[i].text == parts[i];
        if (!match) continue;
        methods |= Bit(route.method);
        if (route.method != method) continue;
        if (best == nullptr) {
            best = &route;
            continue;
        }
        // At the first segment where one is literal and the other a parameter, the literal wins.
        for (size_t i = 0; i < parts.size(); ++i) {
            if (route.segments[i].param == best->segments[i].param) continue;
            if (!route.segments[i].param) best = &route;
            break;
        }
    }
    return best;
}

HttpResponse Router::Handle(const HttpRequest& request) const {
    std::vector<std::string_view> parts;
    unsigned methods = 0;
    const Route* route = nullptr;
    if (SplitSegments(request.path, parts)) {
        route = Find(parts, request.verb, methods);
        if (route == nullptr && request.verb == HttpMethod::kHead) route = Find(parts, HttpMethod::kGet, methods);
    }
    if (methods == 0) return ApiErrorResponse(ApiError::kNotFound, "no such resource");
    if (route == nullptr) {
        const std::string allow = AllowHeader(methods);
        HttpResponse r;
        if (request.verb == HttpMethod::kOptions) {
            r.status = 204;
            r.headers = {{"Allow", allow},
                         {"Access-Control-Allow-Methods", allow},
                         {"Access-Control-Allow-Headers", "Authorization, Content-Type"},
                         {"Access-Control-Max-Age", "86400"}};
        } else {
            r = ApiErrorResponse(ApiError::kMethodNotAllowed,
                                 "method " + std::string(request.method) + " is not allowed here");
            r.headers.emplace_back("Allow", allow);
        }
        return r;
    }
    PathParams params;
    std::string value;
    for (size_t i = 0; i < parts.size(); ++i) {
        if (!route->segments[i].param) continue;
        if (!PercentDecode(parts[i], value))
            return ApiErrorResponse(ApiError::kInvalidArgument,
                                    "malformed percent-encoding in {" + route->segments[i].text + "}");
        params.Add(route->segments[i].text, value);
    }
    try {
        return route->handler(request, params);
    } catch (const std::exception& e) {
        // A bug, or a JSON type error in a path nobody foresaw: the API's
        // error shape, a generic message, the details in the log.
        runtime::Logger("http").Error("route handler failed",
                                      {{"url.path", std::string(request.path)}, {"error.message", e.what()}});
        return ApiErrorResponse(ApiError::kInternal, "internal error");
    }
}

}  // namespace onair::server::http
