// SPDX-License-Identifier: Apache-2.0
#include "onair/server/health_routes.h"

namespace onair::server {

http::HttpHandler MakeHealthRoutes(runtime::Metrics& metrics) {
    return [&metrics](const http::HttpRequest& req) -> http::HttpResponse {
        if (req.method != "GET" && req.method != "HEAD") {
            auto r = http::HttpResponse::Text(405, "method not allowed\n");
            r.headers = {{"Allow", "GET, HEAD"}};
            return r;
        }
        if (req.path == "/healthz") return http::HttpResponse::Text(200, "ok\n");
        if (req.path == "/metrics") {
            http::HttpResponse r;
            r.content_type = "text/plain; version=0.0.4; charset=utf-8";
            r.body = base::SharedBuffer::Copy(std::string_view(metrics.Render()));
            return r;
        }
        return http::HttpResponse::NotFound();
    };
}

}  // namespace onair::server
