// SPDX-License-Identifier: Apache-2.0
#pragma once
#include "onair/app/role_config.h"

namespace onair::app {

/// The roles one process runs. `onair serve` runs them all; `onair ingest`,
/// `onair edge`, `onair transcoder` and `onair manager` one each, over a shared bus (Kafka).
struct Roles {
    bool ingest = false;   // RTMP in, broadcasts onto the bus
    bool edge = false;     // the bus's media, as HLS to viewers
    bool manager = false;  // who may publish; the API, dashboard, events
    bool transcoder = false;  // source broadcasts into ABR renditions (serve: if transcode.enabled)
    bool origin = false;      // source broadcasts recorded to disk, served as VOD (serve: if origin.enabled)
};

/// Runs `roles` until SIGINT/SIGTERM. Returns the process's exit code; an
/// error (bad config, port in use) is one line on stderr.
int RunNode(const Roles& roles, const RoleFlags& flags, int threads);

}  // namespace onair::app
