// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>

namespace onair::proto::amf0 {

/// AMF0 type markers (AMF0 spec §2.1).
enum class Marker : uint8_t {
    kNumber = 0x00,
    kBoolean = 0x01,
    kString = 0x02,
    kObject = 0x03,
    kMovieClip = 0x04,  // reserved, never valid on the wire
    kNull = 0x05,
    kUndefined = 0x06,
    kReference = 0x07,
    kEcmaArray = 0x08,
    kObjectEnd = 0x09,
    kStrictArray = 0x0A,
    kDate = 0x0B,
    kLongString = 0x0C,
    kUnsupported = 0x0D,
    kRecordSet = 0x0E,  // reserved
    kXmlDocument = 0x0F,
    kTypedObject = 0x10,
    kAvmPlus = 0x11,  // switch to AMF3
};

}  // namespace onair::proto::amf0
