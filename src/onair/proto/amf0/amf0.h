// SPDX-License-Identifier: Apache-2.0
#pragma once
/// AMF0 (Adobe Action Message Format 0): values, decoder, encoder.
#include "onair/proto/amf0/decoder.h"  // IWYU pragma: export
#include "onair/proto/amf0/encoder.h"  // IWYU pragma: export
#include "onair/proto/amf0/value.h"    // IWYU pragma: export
