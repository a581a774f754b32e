// SPDX-License-Identifier: Apache-2.0
#include "onair/app/lb_config_command.h"

#include <algorithm>
#include <iostream>
#include <memory>
#include <string_view>

namespace onair::app {

namespace {

base::Error Invalid(std::string message) { return base::MakeError(base::ErrorCode::kInvalidData, std::move(message)); }

bool IsHostChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

bool IsPort(std::string_view s) {
    if (s.empty() || s.size() > 5 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return false;
    const int port = std::stoi(std::string(s));
    return port >= 1 && port <= 65535;
}

/// HOST:PORT with a DNS name, an IPv4 address or a bracketed IPv6 address:
/// nothing that nginx's syntax would read as more than one address.
bool IsHostPort(std::string_view s) {
    const auto colon = s.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || !IsPort(s.substr(colon + 1))) return false;
    const std::string_view host = s.substr(0, colon);
    if (host.size() > 255) return false;
    if (host.front() == '[') {
        return host.size() > 2 && host.back() == ']' &&
               std::all_of(host.begin() + 1, host.end() - 1, [](char c) {
                   return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
                          c == '.';
               });
    }
    return std::all_of(host.begin(), host.end(), IsHostChar);
}

/// A file path nginx takes as one token: no whitespace, control characters,
/// quotes, `;`, braces, `$` (a variable) or `\`.
bool IsPlainPath(std::string_view s) {
    if (s.empty() || s.size() > 4096) return false;
    return std::none_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= ' ' || u == 0x7f || std::string_view("\"';{}$\\#").find(c) != std::string_view::npos;
    });
}

bool IsAppName(std::string_view s) {
    return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

/// What goes inside `http {}`: the maps, the log format, the upstream and
/// the server. deploy/nginx/README.md explains each directive.
std::string HttpFragment(const LbConfig& c) {
    std::string s;
    s += "# Which broadcast a request is for: /" + c.app + "/<channel>/... -> <channel>, so every\n";
    s += "# playlist and segment of one broadcast hashes to the same edge; other\n";
    s += "# paths hash by their whole path.\n";
    s += "map $uri $onair_channel {\n";
    s += "    ~^/" + c.app + "/(?<onair_ch>[^/]+)/  $onair_ch;\n";
    s += "    default  $uri;\n";
    s += "}\n\n";
    s += "# event.duration in nanoseconds as a JSON number: $request_time is seconds\n";
    s += "# with exactly three decimals (\"0.012\"); its digits without the dot and\n";
    s += "# without leading zeros, then six zeros (0.012 s -> 12000000 ns).\n";
    s += "map $request_time $onair_duration_ns {\n";
    s += "    ~^0\\.0*(?<onair_ms>[1-9][0-9]*)$  ${onair_ms}000000;\n";
    s += "    ~^(?<onair_s>[1-9][0-9]*)\\.(?<onair_frac>[0-9][0-9][0-9])$  ${onair_s}${onair_frac}000000;\n";
    s += "    default  0;\n";
    s += "}\n\n";
    s += "# The edge that answered: the last of $upstream_addr (\"a:1, b:2\" after a\n";
    s += "# retry) and its status as a JSON number, null when no edge was asked.\n";
    s += "map $upstream_addr $onair_upstream_address {\n";
    s += "    \"~(?<onair_ua>[^ ]+)$\"  $onair_ua;\n";
    s += "    default  \"\";\n";
    s += "}\n";
    s += "map $upstream_status $onair_upstream_status {\n";
    s += "    ~(?<onair_us>[0-9][0-9][0-9])$  $onair_us;\n";
    s += "    default  null;\n";
    s += "}\n\n";
    s += "# One JSON line per request, Elastic Common Schema names (deploy/elk/).\n";
    s += "log_format onair_ecs escape=json\n";
    s += "    '{\"@timestamp\":\"$time_iso8601\",'\n";
    s += "    '\"service.name\":\"onair-lb\",'\n";
    s += "    '\"event.dataset\":\"onair.lb\",'\n";
    s += "    '\"client.ip\":\"$remote_addr\",'\n";
    s += "    '\"http.request.method\":\"$request_method\",'\n";
    s += "    '\"url.path\":\"$uri\",'\n";
    s += "    '\"url.query\":\"$args\",'\n";
    s += "    '\"url.original\":\"$request_uri\",'\n";
    s += "    '\"http.request.referrer\":\"$http_referer\",'\n";
    s += "    '\"user_agent.original\":\"$http_user_agent\",'\n";
    s += "    '\"http.response.status_code\":$status,'\n";
    s += "    '\"http.response.body.bytes\":$body_bytes_sent,'\n";
    s += "    '\"event.duration\":$onair_duration_ns,'\n";
    s += "    '\"upstream.address\":\"$onair_upstream_address\",'\n";
    s += "    '\"upstream.response.status_code\":$onair_upstream_status,'\n";
    s += "    '\"onair.lb.tried\":\"$upstream_addr\"}';\n\n";
    s += "upstream onair_edges {\n";
    s += "    hash $onair_channel consistent;\n";
    s += "    zone onair_edges 64k;\n";
    for (const auto& edge : c.edges) s += "    server " + edge + " max_fails=1 fail_timeout=5s;\n";
    s += "    keepalive 1024;\n";
    s += "    keepalive_requests 10000;\n";
    s += "    keepalive_timeout 60s;\n";
    s += "}\n\n";
    s += "server {\n";
    s += "    listen " + c.listen + ";\n";
    s += "    server_name _;\n";
    s += "    access_log " + c.access_log + " onair_ecs;\n";
    s += "    keepalive_timeout 65s;\n";
    s += "    keepalive_requests 10000;\n\n";
    s += "    # The load balancer's own liveness (not proxied, not logged).\n";
    s += "    location = /onair-lb/healthz {\n";
    s += "        access_log off;\n";
    s += "        default_type text/plain;\n";
    s += "        return 200 \"ok\\n\";\n";
    s += "    }\n\n";
    s += "    location / {\n";
    s += "        proxy_pass http://onair_edges;\n";
    s += "        # HTTP/1.1 with keep-alive to the edges.\n";
    s += "        proxy_http_version 1.1;\n";
    s += "        proxy_set_header Connection \"\";\n";
    s += "        proxy_set_header Host $host;\n";
    s += "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n";
    s += "        proxy_set_header X-Forwarded-Proto $scheme;\n";
    s += "        # Conditional and partial requests reach the edge as they came.\n";
    s += "        proxy_set_header Range $http_range;\n";
    s += "        proxy_set_header If-Range $http_if_range;\n";
    s += "        proxy_set_header If-None-Match $http_if_none_match;\n";
    s += "        proxy_set_header If-Modified-Since $http_if_modified_since;\n";
    s += "        # A dead edge is found fast, and the next one answers instead.\n";
    s += "        proxy_connect_timeout 1s;\n";
    s += "        proxy_send_timeout 5s;\n";
    s += "        proxy_read_timeout 5s;\n";
    s += "        # And on a 404: an edge that has just (re)started may not know a live\n";
    s += "        # broadcast yet while the next edge does (a 404 never takes an edge out).\n";
    s += "        proxy_next_upstream error timeout http_404 http_500 http_502 http_503 http_504;\n";
    s += "        proxy_next_upstream_tries 2;\n";
    s += "        proxy_next_upstream_timeout 3s;\n";
    s += "        # Segments through memory buffers, never a temp file on disk.\n";
    s += "        proxy_buffering on;\n";
    s += "        proxy_buffer_size 16k;\n";
    s += "        proxy_buffers 32 16k;\n";
    s += "        proxy_busy_buffers_size 64k;\n";
    s += "        proxy_max_temp_file_size 0;\n";
    s += "        proxy_redirect off;\n\n";
    s += "        # Playlists go to the viewer as the edge writes them.\n";
    s += "        location ~ \\.m3u8$ {\n";
    s += "            proxy_pass http://onair_edges;\n";
    s += "            proxy_buffering off;\n";
    s += "            # An LL-HLS blocking reload (_HLS_msn) is held by the edge up to\n";
    s += "            # three target durations (then 503): wait longer than that.\n";
    s += "            proxy_read_timeout 30s;\n";
    s += "        }\n";
    s += "        # LL-HLS parts (<n>.<k>.m4s): the one in progress is streamed by the\n";
    s += "        # edge while it is written; pass each chunk on as it comes.\n";
    s += "        location ~ [0-9]+\\.[0-9]+\\.m4s$ {\n";
    s += "            proxy_pass http://onair_edges;\n";
    s += "            proxy_buffering off;\n";
    s += "        }\n";
    s += "    }\n";
    s += "}\n";
    return s;
}

std::string Indent(const std::string& text) {
    std::string out;
    size_t pos = 0;
    while (pos < text.size()) {
        const size_t end = text.find('\n', pos);
        const std::string_view line(text.data() + pos, (end == std::string::npos ? text.size() : end) - pos);
        if (!line.empty()) out += "    ";
        out += line;
        out += '\n';
        pos = end == std::string::npos ? text.size() : end + 1;
    }
    return out;
}

}  // namespace

base::Result<std::string> RenderNginxLbConfig(const LbConfig& c) {
    if (c.edges.empty()) return Invalid("at least one --edge HOST:PORT is needed");
    for (size_t i = 0; i < c.edges.size(); ++i) {
        if (!IsHostPort(c.edges[i])) return Invalid("--edge " + c.edges[i] + ": not HOST:PORT");
        if (std::find(c.edges.begin(), c.edges.begin() + static_cast<std::ptrdiff_t>(i), c.edges[i]) !=
            c.edges.begin() + static_cast<std::ptrdiff_t>(i))
            return Invalid("--edge " + c.edges[i] + ": listed twice");
    }
    if (!IsHostPort(c.listen) && !IsPort(c.listen)) return Invalid("--listen " + c.listen + ": not HOST:PORT or PORT");
    if (!IsPlainPath(c.access_log))
        return Invalid("--access-log: a path without spaces, quotes, ';', braces, '#', '$' or '\\'");
    if (!IsAppName(c.app)) return Invalid("--app " + c.app + ": letters, digits, '_' and '-' only");

    std::string head = "# onair load balancer: nginx in front of " + std::to_string(c.edges.size()) +
                       " onair edge(s), generated by\n#   onair lb-config";
    for (const auto& e : c.edges) head += " --edge " + e;
    head += " --listen " + c.listen + " --access-log " + c.access_log + " --app " + c.app;
    head += c.http_only ? " --http-only\n" : "\n";
    head += "# deploy/nginx/README.md explains every directive.\n";
    if (c.http_only) {
        return head + "# The directives that go inside an existing http {} block (Debian:\n" +
               "# /etc/nginx/conf.d/onair-lb.conf).\n\n" + HttpFragment(c);
    }
    std::string s = head;
    s += "# Runs on its own: nginx -p PREFIX -c PREFIX/nginx.conf [-e PREFIX/error.log];\n";
    s += "# relative paths below are under PREFIX.\n\n";
    s += "worker_processes auto;\n";
    s += "worker_rlimit_nofile 16384;\n";
    s += "pid nginx.pid;\n";
    s += "error_log error.log warn;\n\n";
    s += "events {\n";
    s += "    worker_connections 8192;\n";
    s += "}\n\n";
    s += "http {\n";
    s += "    # Standalone only: temp files under PREFIX (an existing nginx has its own).\n";
    s += "    client_body_temp_path client_body_temp;\n";
    s += "    proxy_temp_path proxy_temp;\n";
    s += "    fastcgi_temp_path fastcgi_temp;\n";
    s += "    uwsgi_temp_path uwsgi_temp;\n";
    s += "    scgi_temp_path scgi_temp;\n";
    s += "    default_type application/octet-stream;\n";
    s += "    server_tokens off;\n";
    s += "    tcp_nodelay on;\n\n";
    s += "    # ---- the http {} fragment (onair lb-config --http-only) ----\n";
    s += Indent(HttpFragment(c));
    s += "}\n";
    return s;
}

void AddLbConfigCommand(CLI::App& root, int& exit_code) {
    auto* cmd = root.add_subcommand(
        "lb-config", "Print an nginx config that load-balances viewers over edges (deploy/nginx/README.md)");
    auto config = std::make_shared<LbConfig>();
    cmd->add_option("--edge", config->edges, "An edge's HTTP address HOST:PORT (repeat for each edge)")->required();
    cmd->add_option("--listen", config->listen, "Where nginx listens, HOST:PORT or PORT (default 0.0.0.0:80)");
    cmd->add_option("--access-log", config->access_log,
                    "The JSON access log (default /var/log/nginx/onair-lb.access.json)");
    cmd->add_option("--app", config->app, "The path prefix of live broadcasts (default live)");
    cmd->add_flag("--http-only", config->http_only, "Only the directives for inside an existing http {} block");
    cmd->callback([config, &exit_code] {
        auto text = RenderNginxLbConfig(*config);
        if (!text.ok()) {
            std::cerr << "onair lb-config: " << text.error().message << "\n";
            exit_code = 2;
            return;
        }
        std::cout << text.value();
        exit_code = 0;
    });
}

}  // namespace onair::app
