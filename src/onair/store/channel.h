// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <string>

namespace onair::store {

/// A channel as stored. The stream key is not part of it: only its hash is
/// kept, and the plaintext exists once, when created or rotated.
struct Channel {
    int64_t id = 0;
    std::string name;
    int64_t created_at_ms = 0;
    int64_t key_rotated_at_ms = 0;
};

struct CreatedChannel {
    Channel channel;
    std::string stream_key;  // plaintext, shown once
};

/// Channel names: [a-z0-9][a-z0-9_-]{0,63} (they appear in URLs).
bool IsValidChannelName(std::string_view name);

}  // namespace onair::store
