// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>

#include "onair/server/http/http_types.h"

namespace onair::server::http {

/// The bytes [offset, offset + length) of a response's representation that
/// go out (for HEAD: that Content-Length says would go out).
struct BodyPart {
    uint64_t offset = 0;
    uint64_t length = 0;
};

/// Turns a handler's answer into what is sent, evaluating a GET or HEAD's
/// preconditions and Range in the order of RFC 9110 §13.2.2 on a 200:
///  1. If-None-Match that matches `etag` (weak comparison, or "*"): 304, no
///     body, so a 304 is never a 206 and a cached copy is never re-sent;
///  2. If-Range present and not a strong match of `etag` (dates never
///     match: we send no Last-Modified): Range is ignored, 200 whole;
///  3. Range (base::ResolveRange): one satisfiable range is a 206 with
///     `Content-Range: bytes a-b/size`, an unsatisfiable one a 416 with
///     `Content-Range: bytes */size`; a malformed, multi-range or overlong
///     one is ignored (200 whole, which the RFC allows).
/// A streamed body (`response.stream`) gets step 1 only, and no
/// Accept-Ranges. Every other 200 and 206 to a GET or HEAD says
/// `Accept-Ranges: bytes`. Other
/// methods and statuses are sent as the handler made them, whole.
BodyPart SelectBodyPart(const HttpRequest& request, HttpResponse& response);

}  // namespace onair::server::http
