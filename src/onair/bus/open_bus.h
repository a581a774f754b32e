// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <memory>
#include <string>

#include "onair/base/result.h"
#include "onair/bus/bus.h"
#include "onair/runtime/config.h"
#include "onair/runtime/metrics.h"

namespace onair::bus {

/// The bus the config asks for: `bus.url` "in-process", or
/// "kafka://host:port[,host:port...]" with the other bus.* settings.
/// `client_id` names this node to the brokers. The error is one line.
/// How far back a consumer that joins reads (and how much history the
/// in-process bus keeps): `bus.lookback_ms`, else the HLS window.
int64_t LookbackMs(const runtime::Config& config);

base::Result<std::unique_ptr<Bus>> OpenBus(const runtime::Config& config, runtime::Metrics& metrics,
                                           const std::string& client_id);

}  // namespace onair::bus
