// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <string>

#include "onair/manager/admin_token.h"
#include "onair/manager/channel_urls.h"
#include "onair/manager/manager_service.h"
#include "onair/server/http/router.h"

namespace onair::manager {

struct ApiOptions {
    ChannelUrls urls;
    std::string hook_token;  // also accepted by the ingest hooks; empty: only the admin token
};

/// The REST API under /api/v1 (docs/openapi.json): channels, broadcasts,
/// events, webhooks, the ingest hooks, and the public channel view. Every
/// route but the public ones and the OpenAPI document needs the admin
/// bearer token (the ingest hooks also take `hook_token`).
///
/// Handlers block on the store: the router must run on the HTTP server's
/// worker pool (HttpDispatcher::HandleBlocking).
void AddApiRoutes(server::http::Router& router, ManagerService& manager, const AdminToken& admin,
                  const ApiOptions& options);

/// docs/openapi.json, embedded at build time.
std::string_view OpenApiDocument();

}  // namespace onair::manager
