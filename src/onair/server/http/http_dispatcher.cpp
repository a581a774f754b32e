// SPDX-License-Identifier: Apache-2.0
#include "onair/server/http/http_dispatcher.h"

#include <algorithm>

namespace onair::server::http {

namespace {

bool PrefixMatches(std::string_view prefix, std::string_view path) {
    if (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
    if (path.substr(0, prefix.size()) != prefix) return false;
    return path.size() == prefix.size() || path[prefix.size()] == '/';
}

}  // namespace

HttpDispatcher& HttpDispatcher::Handle(std::string prefix, HttpHandler handler) {
    routes_.push_back(Route{std::move(prefix), std::move(handler), Mode::kInline, nullptr, {}});
    return *this;
}

HttpDispatcher& HttpDispatcher::HandleBlocking(std::string prefix, HttpHandler handler) {
    routes_.push_back(Route{std::move(prefix), std::move(handler), Mode::kBlocking, nullptr, {}});
    return *this;
}

HttpDispatcher& HttpDispatcher::HandleAsync(std::string prefix, AsyncHttpHandler handler, AsyncOptions options) {
    routes_.push_back(Route{std::move(prefix), nullptr, Mode::kAsync, std::move(handler), options});
    return *this;
}

HttpDispatcher& HttpDispatcher::HandleInlineOrAsync(std::string prefix, HttpHandler handler,
                                                    AsyncHttpHandler async_handler, AsyncOptions options) {
    routes_.push_back(
        Route{std::move(prefix), std::move(handler), Mode::kInlineOrAsync, std::move(async_handler), options});
    return *this;
}

const HttpDispatcher::Route* HttpDispatcher::Find(std::string_view path) const {
    for (const auto& route : routes_)
        if (PrefixMatches(route.prefix, path)) return &route;
    return nullptr;
}

bool HttpDispatcher::has_blocking() const {
    return std::any_of(routes_.begin(), routes_.end(), [](const Route& r) { return r.mode == Mode::kBlocking; });
}

}  // namespace onair::server::http
