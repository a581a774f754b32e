# SPDX-License-Identifier: Apache-2.0
# Writes one embedded web file as C++: run by the build (add_custom_command in
# OnairWebAssets.cmake) as
#   cmake -DINPUT=<file> -DOUT=<file.cpp> -DURL=<url path> -DSYMBOL=<name> -P EmbedWebAsset.cmake
# The bytes become a constexpr array; the ETag is a prefix of their SHA-256.
foreach(var INPUT OUT URL SYMBOL)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "EmbedWebAsset.cmake: -D${var}= missing")
  endif()
endforeach()
if(NOT EXISTS "${INPUT}")
  message(FATAL_ERROR "EmbedWebAsset.cmake: ${INPUT} missing (web/node_modules: run scripts/setup.sh)")
endif()

file(READ "${INPUT}" hex HEX)
file(SHA256 "${INPUT}" sha)
string(SUBSTRING "${sha}" 0 20 etag)
string(LENGTH "${hex}" hex_len)
if(hex_len EQUAL 0)
  set(bytes "0")
else()
  # 24 bytes a line, then each byte as 0xNN.
  string(REPEAT "[0-9a-f]" 48 line)
  string(REGEX REPLACE "(${line})" "\\1\n" hex "${hex}")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
endif()
math(EXPR size "${hex_len} / 2")

file(WRITE "${OUT}.tmp" "// Generated from ${URL} by cmake/EmbedWebAsset.cmake: do not edit.
#include \"onair/manager/web_asset_data.h\"

namespace onair::manager::detail {
namespace {
constexpr unsigned char kBytes[] = {
${bytes}
};
}  // namespace

extern const EmbeddedWebFile ${SYMBOL};
const EmbeddedWebFile ${SYMBOL}{\"${URL}\", kBytes, ${size}, \"\\\"${etag}\\\"\"};

}  // namespace onair::manager::detail
")
file(RENAME "${OUT}.tmp" "${OUT}")
