// SPDX-License-Identifier: Apache-2.0
#include "onair/media/packet.h"

namespace onair::media {

const char* CodecName(Codec codec) {
    switch (codec) {
        case Codec::kH264: return "h264";
        case Codec::kAac: return "aac";
        case Codec::kUnknown: break;
    }
    return "unknown";
}

}  // namespace onair::media
