// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <vector>

#include "onair/base/result.h"
#include "onair/proto/rtmp/message.h"

namespace onair::proto::rtmp {

/// Splits an aggregate message (type 22, RTMP spec §7.1.6) into its
/// sub-messages. The body is FLV-tag shaped: type, 3-byte size, 3+1-byte
/// timestamp, 3-byte stream id, data, 4-byte back pointer. Sub-message
/// timestamps are rebased so the first one equals the aggregate's own
/// timestamp; every sub-message takes the aggregate's stream and chunk
/// stream ids. Payloads share the aggregate's storage.
///
/// Errors (kInvalidData): a sub-message header or body cut short.
base::Result<std::vector<Message>> SplitAggregate(const Message& aggregate);

}  // namespace onair::proto::rtmp
