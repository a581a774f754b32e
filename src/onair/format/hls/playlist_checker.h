// SPDX-License-Identifier: Apache-2.0
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "onair/format/hls/media_playlist.h"
#include "onair/format/hls/media_playlist_reader.h"

namespace onair::format::hls {

/// Our own checker of what a server sends (ours under test, or another):
/// the rules of draft-pantos-hls-rfc8216bis a playlist's text can show,
/// alone and against the previous playlist of the same rendition.
/// MUST rules are errors, SHOULD rules and plausibility checks warnings.

enum class Severity : uint8_t { kError, kWarning };

struct Violation {
    Severity severity = Severity::kError;
    /// Stable, for scripts and tests: "part-over-target", "msn-went-back"...
    /// (the list is in playlist_checker.cpp, one per rule).
    std::string code;
    std::string message;  // what, where (MSN, part index) and the numbers
};

struct CheckOptions {
    /// Every segment starts with a keyframe (our packager's promise): the
    /// first part of each segment must be INDEPENDENT=YES.
    bool keyframe_segments = false;
    /// How far one written duration may be from the exact one: half a
    /// millisecond, the rounding of three decimals (EXTINF's precision,
    /// and the coarsest in common use for parts). A segment's parts may
    /// differ from its EXTINF by (parts + 1) times this.
    int64_t rounding_ticks = 45;
    /// Parts of segments that end more than this many target durations
    /// before the end of the playlist are a warning (6.2.2: the server
    /// SHOULD remove them).
    int64_t part_age_target_durations = 3;
};

/// The violations of `current`, alone and (when `previous` is not null)
/// against the playlist fetched before it. `previous` may be full or a
/// delta; a delta `current` is checked against a full `previous`.
std::vector<Violation> CheckMediaPlaylist(const MediaPlaylist& current, const MediaPlaylist* previous,
                                          const CheckOptions& options = {});

/// Reads then checks: a text that does not parse gives one "read" error
/// (the reader's message); so does a previous text that does not parse
/// ("read-previous").
std::vector<Violation> CheckMediaPlaylistText(std::string_view current, const std::string_view* previous,
                                              const CheckOptions& options = {},
                                              const MediaPlaylistLimits& limits = {});

/// A multivariant playlist (4.4.6): #EXTM3U first, no media playlist or
/// segment tags, every EXT-X-STREAM-INF with a positive BANDWIDTH and a URI
/// line after it, EXT-X-MEDIA with TYPE, GROUP-ID and NAME, at least one
/// variant, EXT-X-VERSION at most once; well-formed attribute lists.
std::vector<Violation> CheckMultivariantPlaylistText(std::string_view text, size_t max_bytes = 1u << 20);

/// True when one of `violations` is an error.
bool HasErrors(const std::vector<Violation>& violations);

}  // namespace onair::format::hls
