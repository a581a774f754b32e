// SPDX-License-Identifier: Apache-2.0
#include "onair/origin/vod_routes.h"

#include "onair/server/http/file_body.h"

#include <charconv>

#include "onair/origin/recording_writer.h"

namespace onair::origin {

namespace {

using server::http::HttpRequest;
using server::http::HttpResponse;

constexpr const char* kImmutable = "public, max-age=31536000, immutable";

bool ParseNumber(std::string_view s, int64_t& out) {
    if (s.empty() || s.size() > 18) return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size() && out >= 0;
}

/// A file, streamed from its open descriptor (retention may delete it
/// meanwhile; the open file stays readable), with Range and ETag handled by
/// the server. A recording's files never change once written: the name
/// and size make a strong ETag.
HttpResponse FromFile(const std::filesystem::path& path, std::string content_type, std::string cache_control,
                      const std::string& etag_seed) {
    auto file = server::http::FileBody::Open(path.string());
    if (!file.ok()) return HttpResponse::NotFound();
    const uint64_t size = file.value().size();
    HttpResponse r = HttpResponse::File(std::move(file.value()), std::move(content_type));
    r.cache_control = std::move(cache_control);
    r.etag = "\"" + etag_seed + "-" + std::to_string(size) + "\"";
    return r;
}

}  // namespace

server::http::HttpHandler MakeVodRoutes(const RecorderService& recorder) {
    return [&recorder](const HttpRequest& req) -> HttpResponse {
        if (req.verb != server::http::HttpMethod::kGet && req.verb != server::http::HttpMethod::kHead)
            return HttpResponse::Text(405, "method not allowed\n");
        std::string_view path = req.path;
        constexpr std::string_view kPrefix = "/vod/";
        if (path.substr(0, kPrefix.size()) != kPrefix) return HttpResponse::NotFound();
        path.remove_prefix(kPrefix.size());
        const size_t slash = path.find('/');
        if (slash == std::string_view::npos) return HttpResponse::NotFound();
        const std::string id(path.substr(0, slash));
        const std::string_view name = path.substr(slash + 1);
        if (!RecorderService::ValidId(id) || name.find('/') != std::string_view::npos) return HttpResponse::NotFound();
        auto view = recorder.Find(id);
        if (!view || view->header.state == RecordingState::kDeleted) return HttpResponse::NotFound();
        const auto dir = recorder.options().dir / id;
        const bool finished = view->header.state == RecordingState::kComplete;

        if (name == "index.m3u8") {
            if (view->live_playlist) {
                HttpResponse r;
                r.content_type = "application/vnd.apple.mpegurl";
                r.cache_control = "max-age=1";
                r.body = base::SharedBuffer::Copy(std::string_view(*view->live_playlist));
                return r;
            }
            if (!finished) return HttpResponse::NotFound();
            return FromFile(RecordingFiles::Playlist(dir), "application/vnd.apple.mpegurl", "public, max-age=60",
                            id + "-index");
        }
        if (name == "recording.mp4") {
            if (!finished || view->header.mp4_bytes == 0) return HttpResponse::NotFound();
            return FromFile(RecordingFiles::Movie(dir), "video/mp4", "public, max-age=3600", id + "-mp4");
        }
        int64_t n = 0;
        if (name.size() > 9 && name.substr(0, 5) == "init-" && name.substr(name.size() - 4) == ".mp4" &&
            ParseNumber(name.substr(5, name.size() - 9), n) && n >= 1 && n <= view->header.inits)
            return FromFile(RecordingFiles::Init(dir, static_cast<uint32_t>(n)), "video/mp4", kImmutable,
                            id + "-init-" + std::to_string(n));
        if (name.size() > 4 && name.substr(name.size() - 4) == ".m4s" && ParseNumber(name.substr(0, name.size() - 4), n))
            return FromFile(RecordingFiles::Fragment(dir, n), "video/iso.segment", kImmutable,
                            id + "-" + std::to_string(n));
        return HttpResponse::NotFound();
    };
}

}  // namespace onair::origin
