// SPDX-License-Identifier: Apache-2.0
#include "onair/base/result.h"

namespace onair::base {

const char* ErrorCodeName(ErrorCode code) {
    switch (code) {
        case ErrorCode::kInvalidData: return "invalid_data";
        case ErrorCode::kLimitExceeded: return "limit_exceeded";
        case ErrorCode::kUnsupported: return "unsupported";
        case ErrorCode::kNotFound: return "not_found";
        case ErrorCode::kAlreadyExists: return "already_exists";
        case ErrorCode::kIo: return "io";
        case ErrorCode::kInternal: return "internal";
    }
    return "unknown";
}

}  // namespace onair::base
