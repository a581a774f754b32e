// SPDX-License-Identifier: Apache-2.0
#include "onair/base/entity_tag.h"

#include <cstdio>

namespace onair::base {

namespace {

struct Tag {
    bool weak = false;
    std::string_view opaque;  // with its quotes
};

// One entity-tag at the start of `s` (advanced past it); false when `s`
// does not start with one.
bool TakeTag(std::string_view& s, Tag& tag) {
    tag.weak = s.size() >= 2 && s[0] == 'W' && s[1] == '/';
    std::string_view rest = tag.weak ? s.substr(2) : s;
    if (rest.empty() || rest[0] != '"') return false;
    const size_t close = rest.find('"', 1);
    if (close == std::string_view::npos) return false;
    tag.opaque = rest.substr(0, close + 1);
    s = rest.substr(close + 1);
    return true;
}

bool IsOws(char c) { return c == ' ' || c == '\t'; }

void SkipOws(std::string_view& s) {
    while (!s.empty() && IsOws(s.front())) s.remove_prefix(1);
}

// `etag` as a tag; false when it is not exactly one.
bool ParseOne(std::string_view s, Tag& tag) {
    SkipOws(s);
    if (!TakeTag(s, tag)) return false;
    SkipOws(s);
    return s.empty();
}

}  // namespace

bool IfNoneMatchMatches(std::string_view if_none_match, std::string_view etag) {
    std::string_view s = if_none_match;
    SkipOws(s);
    if (!s.empty() && s.front() == '*') {
        s.remove_prefix(1);
        SkipOws(s);
        return s.empty();
    }
    Tag mine;
    if (!ParseOne(etag, mine)) return false;
    for (;;) {
        while (!s.empty() && (IsOws(s.front()) || s.front() == ',')) s.remove_prefix(1);
        Tag theirs;
        if (!TakeTag(s, theirs)) return false;
        if (theirs.opaque == mine.opaque) return true;
    }
}

bool IfRangeMatches(std::string_view if_range, std::string_view etag) {
    Tag mine;
    Tag theirs;
    if (!ParseOne(etag, mine) || !ParseOne(if_range, theirs)) return false;
    return !mine.weak && !theirs.weak && mine.opaque == theirs.opaque;
}

std::string ContentTag(std::string_view bytes) {
    char tag[24];
    std::snprintf(tag, sizeof tag, "\"%016llx\"", static_cast<unsigned long long>(Fnv1a64(bytes)));
    return tag;
}

}  // namespace onair::base
