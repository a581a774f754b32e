// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <string>

#include "onair/manager/admin_token.h"
#include "onair/manager/manager_service.h"
#include "onair/server/http/router.h"

namespace onair::manager {

/// nginx-rtmp's notify callbacks, pointed at the manager (deploy/nginx-rtmp/):
///   POST /hooks/nginx-rtmp/on_publish       verify; 302 push/rename or 403
///   POST /hooks/nginx-rtmp/on_update        heartbeat; 403 drops a kicked publisher
///   POST /hooks/nginx-rtmp/on_publish_done  the broadcast ended
/// nginx-rtmp cannot send an Authorization header: the URL carries
/// ?token=<admin token or manager.hook_token>. Blocking handlers: run the
/// router on the worker pool.
void AddNginxRtmpRoutes(server::http::Router& router, ManagerService& manager, const AdminToken& admin,
                        std::string hook_token);

}  // namespace onair::manager
