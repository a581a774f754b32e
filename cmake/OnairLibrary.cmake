# SPDX-License-Identifier: Apache-2.0
# onair_library(NAME DEPS <onair layers> PRIVATE_DEPS <third-party>)
# Builds src/onair/<dir> as the static library onair_<NAME>, sources globbed.

# Not -Wnull-dereference: GCC 12 reports false positives from inlined
# libstdc++ stream code at -O2/-O3 (std::istringstream in runtime/metrics.cpp).
set(ONAIR_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
    -Woverloaded-virtual -Wimplicit-fallthrough
    # GCC 12 pairs Asio's coroutine-frame operator delete with the wrong
    # operator new at -O1 (false positive on every awaitable).
    -Wno-mismatched-new-delete)

function(onair_apply_flags target)
  target_compile_options(${target} PRIVATE ${ONAIR_WARNINGS})
  if(ONAIR_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(ONAIR_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                           -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  if(ONAIR_FUZZ)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link,address,undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()

function(onair_library name)
  cmake_parse_arguments(ARG "" "" "DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(srcs)
    add_library(onair_${name} STATIC ${srcs})
    target_include_directories(onair_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(onair_${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
    onair_apply_flags(onair_${name})
  else()
    add_library(onair_${name} INTERFACE)
    target_include_directories(onair_${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(onair_${name} INTERFACE ${ARG_DEPS})
  endif()
endfunction()
