// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstddef>

// The files under web/ as the build embeds them (cmake/OnairWebAssets.cmake
// generates the definitions); read through FindWebAsset() in web_assets.h.
namespace onair::manager::detail {

struct EmbeddedWebFile {
    const char* url_path;  // "/dashboard/index.html", "/assets/hls.min.js", ...
    const unsigned char* bytes;
    std::size_t size;
    const char* etag;  // quoted: a prefix of the SHA-256 of the bytes
};

extern const EmbeddedWebFile* const kEmbeddedWebFiles[];
extern const std::size_t kEmbeddedWebFileCount;

}  // namespace onair::manager::detail
