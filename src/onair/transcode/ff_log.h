// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace onair::transcode::ff {

/// Sends FFmpeg's own messages (av_log) to the transcode logger as JSON
/// lines instead of stderr: warnings and errors only, at most one line per
/// second per message text. Idempotent; called by every pipeline.
void RouteFfmpegLog();

}  // namespace onair::transcode::ff
