// SPDX-License-Identifier: Apache-2.0
#include "onair/manager/nginx_rtmp_hooks.h"

#include <array>
#include <charconv>

namespace onair::manager {

namespace {

using base::ErrorCode;
using base::MakeError;

enum class Sent { kAlways, kPublish, kUpdate };

/// The fields nginx-rtmp writes (ngx_rtmp_netcall_module.c and
/// ngx_rtmp_notify_module.c): the common ones, `type` for publish, `time`
/// and `timestamp` for updates. `call` is handled apart.
struct FieldSpec {
    std::string_view name;
    std::string NginxRtmpCall::*text;
    int64_t NginxRtmpCall::*count;
    Sent sent;
    bool required;
};
constexpr std::array<FieldSpec, 11> kFields = {{
    {"app", &NginxRtmpCall::app, nullptr, Sent::kAlways, true},
    {"flashver", &NginxRtmpCall::flashver, nullptr, Sent::kAlways, false},
    {"swfurl", &NginxRtmpCall::swfurl, nullptr, Sent::kAlways, false},
    {"tcurl", &NginxRtmpCall::tcurl, nullptr, Sent::kAlways, false},
    {"pageurl", &NginxRtmpCall::pageurl, nullptr, Sent::kAlways, false},
    {"addr", &NginxRtmpCall::addr, nullptr, Sent::kAlways, true},
    {"clientid", &NginxRtmpCall::clientid, nullptr, Sent::kAlways, true},
    {"name", &NginxRtmpCall::name, nullptr, Sent::kAlways, true},
    {"type", &NginxRtmpCall::type, nullptr, Sent::kPublish, false},
    {"time", nullptr, &NginxRtmpCall::time_s, Sent::kUpdate, false},
    {"timestamp", nullptr, &NginxRtmpCall::timestamp_ms, Sent::kUpdate, false},
}};

bool SentFor(Sent sent, std::string_view call) {
    switch (sent) {
        case Sent::kAlways: return true;
        case Sent::kPublish: return call == "publish";
        case Sent::kUpdate: return call == "update_publish" || call == "update_play";
    }
    return false;
}

/// The index in kFields of a field nginx sends for `call`, or -1.
int NginxField(std::string_view call, std::string_view name) {
    for (size_t i = 0; i < kFields.size(); ++i) {
        if (kFields[i].name == name && SentFor(kFields[i].sent, call)) return static_cast<int>(i);
    }
    return -1;
}

base::Status ParseCount(std::string_view field, std::string_view text, int64_t& out) {
    const char* end = text.data() + text.size();
    auto [p, ec] = std::from_chars(text.data(), end, out);
    if (ec != std::errc() || p != end || out < 0) {
        return MakeError(ErrorCode::kInvalidData, "nginx-rtmp callback: '" + std::string(field) + "' is not a count");
    }
    return base::Status::Ok();
}

/// rtmp://host[:port]/app[/more], nothing nginx-rtmp could misread.
bool UsableRtmpUrl(std::string_view url) {
    constexpr std::string_view kScheme = "rtmp://";
    if (url.substr(0, kScheme.size()) != kScheme) return false;
    const std::string_view rest = url.substr(kScheme.size());
    const size_t slash = rest.find('/');
    if (slash == 0 || slash == std::string_view::npos || slash + 1 == rest.size()) return false;
    for (const char c : rest) {
        if (c <= ' ' || c == '?' || c == '#' || c == '\x7f') return false;
    }
    return true;
}

NginxHookResponse Text(int status, std::string body) { return {status, {}, std::move(body) + "\n"}; }

}  // namespace

base::Result<NginxRtmpCall> ParseNginxRtmpCall(std::string_view body) {
    auto form = base::ParseForm(body);
    if (!form.ok()) return form.error().Wrap("nginx-rtmp callback");
    auto call = base::FormValue(*form, "call");
    if (!call) return MakeError(ErrorCode::kInvalidData, "nginx-rtmp callback without 'call'");
    NginxRtmpCall c;
    c.call = *call;
    bool seen_call = false;
    std::array<bool, kFields.size()> seen{};
    for (auto& [name, value] : *form) {
        if (name == "call" && !seen_call) {
            seen_call = true;
            continue;
        }
        const int i = NginxField(c.call, name);
        if (i < 0 || seen[i]) {  // not nginx's, or a second one: the publisher's
            c.args.emplace_back(std::move(name), std::move(value));
            continue;
        }
        seen[i] = true;
        const FieldSpec& f = kFields[i];
        if (f.text) {
            c.*f.text = std::move(value);
        } else if (auto st = ParseCount(f.name, value, c.*f.count); !st.ok()) {
            return st.error();
        }
    }
    for (size_t i = 0; i < kFields.size(); ++i) {
        if (kFields[i].required && !seen[i]) {
            return MakeError(ErrorCode::kInvalidData,
                             "nginx-rtmp callback without '" + std::string(kFields[i].name) + "'");
        }
    }
    return c;
}

base::Result<server::PublishAttempt> PublishAttemptFrom(const NginxRtmpCall& call, std::string_view node) {
    if (call.call != "publish") {
        return MakeError(ErrorCode::kInvalidData, "not an on_publish callback (call=" + call.call + ")");
    }
    server::PublishAttempt a;
    a.app = call.app;
    a.stream_key = call.name;
    a.query = base::EncodeForm(call.args);
    a.client_ip = call.addr;
    a.node = node;
    return a;
}

base::Result<NginxHookOptions> NginxHookOptionsFromQuery(const base::FormFields& query, NginxHookOptions defaults) {
    NginxHookOptions o = std::move(defaults);
    if (auto mode = base::FormValue(query, "mode")) {
        if (*mode == "push") {
            o.redirect = NginxRedirect::kPush;
        } else if (*mode == "rename") {
            o.redirect = NginxRedirect::kRename;
        } else {
            return MakeError(ErrorCode::kInvalidData, "mode must be push or rename");
        }
    }
    if (auto push_to = base::FormValue(query, "push_to")) o.push_to = *push_to;
    while (!o.push_to.empty() && o.push_to.back() == '/') o.push_to.pop_back();
    if (o.redirect == NginxRedirect::kPush && !UsableRtmpUrl(o.push_to)) {
        return MakeError(ErrorCode::kInvalidData, "push_to must be rtmp://host[:port]/app, without a query");
    }
    return o;
}

NginxHookResponse PublishResponse(const server::PublishVerdict& verdict, const NginxHookOptions& options) {
    if (!verdict.allowed) return Text(403, verdict.reason.empty() ? "refused" : verdict.reason);
    NginxHookResponse r;
    r.status = 302;
    r.location = options.redirect == NginxRedirect::kPush ? options.push_to + "/" + verdict.channel : verdict.channel;
    return r;
}

NginxHookResponse AlreadyPublishingResponse() { return Text(403, "already publishing"); }

NginxHookResponse MalformedResponse(const base::Error& error) { return Text(400, error.message); }

bool IsPublisherUpdate(const NginxRtmpCall& call) { return call.call == "update_publish"; }

server::BroadcastStats HeartbeatStats(const NginxRtmpCall& call, std::string broadcast_id, std::string channel) {
    server::BroadcastStats s;
    s.broadcast_id = std::move(broadcast_id);
    s.channel = std::move(channel);
    s.uptime_ms = call.time_s * 1000;
    return s;
}

NginxHookResponse UpdateResponse(bool kick) { return kick ? Text(403, "not live") : Text(200, "ok"); }

}  // namespace onair::manager
