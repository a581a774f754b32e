// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>

namespace onair::base {

/// Outcome of feeding bytes to an incremental parser. "Need more" is a
/// status, not an error: append more input and call again.
enum class ParseStatus {
    kNeedMore,  // consumed what it could; call again with more bytes
    kMessage,   // one complete item is ready
    kError,     // input is invalid or over a limit; the parser is now unusable
};

}  // namespace onair::base
