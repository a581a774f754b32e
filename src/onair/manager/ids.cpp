// SPDX-License-Identifier: Apache-2.0
#include "onair/manager/ids.h"

#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace onair::manager {

std::string NewId(std::string_view prefix) {
    std::array<unsigned char, 8> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        throw std::runtime_error("OpenSSL RAND_bytes failed");
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id(prefix);
    for (unsigned char b : bytes) {
        id.push_back(kHex[b >> 4]);
        id.push_back(kHex[b & 15]);
    }
    return id;
}

}  // namespace onair::manager
