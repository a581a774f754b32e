// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "onair/base/form_urlencoded.h"
#include "onair/base/result.h"
#include "onair/server/publish_gate.h"

namespace onair::manager {

/// One callback of nginx-rtmp's notify module (`on_publish`, `on_update`,
/// `on_publish_done`, ...), from its application/x-www-form-urlencoded
/// body. nginx-rtmp writes its own fields first and then appends the
/// publisher's query string as it came, so the first occurrence of a field
/// nginx sends for this `call` is nginx's and everything else is the
/// publisher's: a query arg cannot pose as `name` or `addr`. What each call
/// carries (measured on Debian 12's 1.2.2) is in deploy/nginx-rtmp/README.md.
struct NginxRtmpCall {
    std::string call;      // "publish", "update_publish", "update_play", "publish_done", "done", ...
    std::string app;       // the RTMP application ("live"); empty for nginx's own relays
    std::string flashver;  // the client's ("FMLE/3.0 (compatible; Lavf59.27"; "ngx-local-relay")
    std::string swfurl;
    std::string tcurl;
    std::string pageurl;
    std::string addr;      // the client's IP address (a relay: "host:port/app/name")
    std::string clientid;  // nginx's connection number, unique within one nginx run
    std::string name;      // the stream name as first published: the stream key, a secret
    std::string type;      // publish: "live", "record" or "append"
    int64_t time_s = 0;        // update_*: seconds since the session began
    int64_t timestamp_ms = 0;  // update_*: the stream's current timestamp
    base::FormFields args;     // the publisher's query args, in order
};

/// Fails (kInvalidData, kLimitExceeded) on a malformed form, beyond 64
/// fields or 4 KB a value, or without `call`, `app`, `addr`, `clientid` or
/// `name`. Messages never hold a value.
base::Result<NginxRtmpCall> ParseNginxRtmpCall(std::string_view body);

/// The attempt an `on_publish` (call=publish) asks the manager about: key
/// `name`, address `addr`, the query args re-encoded. kInvalidData for
/// another call.
base::Result<server::PublishAttempt> PublishAttemptFrom(const NginxRtmpCall& call,
                                                        std::string_view node = "nginx-rtmp");

/// How an allowed publish is answered (302 + Location).
enum class NginxRedirect {
    /// Location: <push_to>/<channel>. nginx-rtmp relays the stream into
    /// another application, which writes HLS under the channel's name.
    kPush,
    /// Location: <channel>. nginx-rtmp renames the live stream, but its HLS
    /// module has already started under the published name: the key shows
    /// in HLS file names. Only for setups without HLS in the publish app.
    kRename,
};

struct NginxHookOptions {
    NginxRedirect redirect = NginxRedirect::kPush;
    std::string push_to = "rtmp://127.0.0.1:1935/hls";  // kPush: rtmp://host[:port]/app
};

/// Options from the hook URL's query args (`mode=push|rename`,
/// `push_to=rtmp://host:port/app`; anything else, like `token`, ignored),
/// over `defaults`. kInvalidData for an unknown mode or an unusable push_to.
base::Result<NginxHookOptions> NginxHookOptionsFromQuery(const base::FormFields& query,
                                                         NginxHookOptions defaults = {});

/// An answer to nginx-rtmp: a status, a Location for 3xx, a text/plain body.
struct NginxHookResponse {
    int status = 200;
    std::string location;
    std::string body;
};

/// Allowed: 302 with the Location of `options`. Refused: 403 with the
/// verdict's key-free reason; nginx-rtmp then closes the connection.
NginxHookResponse PublishResponse(const server::PublishVerdict& verdict, const NginxHookOptions& options);

/// 403 "already publishing": the key is live in nginx (NginxSessions::Publishing).
NginxHookResponse AlreadyPublishingResponse();

/// A body ParseNginxRtmpCall rejects: 400 with its (value-free) message.
NginxHookResponse MalformedResponse(const base::Error& error);

/// nginx-rtmp sends `on_update` for every session of the application:
/// call=update_publish for publishers, update_play for players and for its
/// own relay into the HLS application. Only a publisher's is a heartbeat;
/// the others must be answered 200 (a non-2xx drops them).
bool IsPublisherUpdate(const NginxRtmpCall& call);

/// The heartbeat on_update carries: nothing but the uptime.
server::BroadcastStats HeartbeatStats(const NginxRtmpCall& call, std::string broadcast_id, std::string channel);

/// 200, or 403 when the manager wants the publisher gone (nginx-rtmp drops it).
NginxHookResponse UpdateResponse(bool kick);

}  // namespace onair::manager
