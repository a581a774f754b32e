// SPDX-License-Identifier: Apache-2.0
#include "onair/origin/recording_finalizer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <map>

#include "onair/format/hls/media_playlist.h"
#include "onair/format/mp4/fragment_reader.h"
#include "onair/format/mp4/init_reader.h"
#include "onair/format/mp4/movie_writer.h"
#include "onair/media/packet.h"
#include "onair/origin/durable_file.h"
#include "onair/origin/recording_writer.h"

namespace onair::origin {

namespace {

constexpr size_t kMaxInitBytes = 1 << 20;
constexpr size_t kCopyBytes = 1 << 20;
/// A fragment's moof is read first, this much; a larger one is read again
/// whole (up to the reader's own limit).
constexpr size_t kMoofHeadBytes = 256 * 1024;
constexpr size_t kMaxMoofBytes = size_t{64} << 20;

using Fd = ScopedFd;

/// The mdat payload of one fragment, where it sits in its file.
struct Piece {
    std::filesystem::path file;
    uint64_t offset = 0;
    uint64_t size = 0;
};

base::Status CopyPiece(int out, const std::filesystem::path& out_path, const Piece& piece, std::vector<uint8_t>& buf) {
    Fd in{::open(piece.file.c_str(), O_RDONLY | O_CLOEXEC)};
    if (in.fd < 0) return SystemError("opening", piece.file, errno);
    // In the kernel when it can (no copy through user space); else a
    // bounded buffer.
    off_t from = static_cast<off_t>(piece.offset);
    uint64_t done = 0;
    while (done < piece.size) {
        const ssize_t n = ::copy_file_range(in.fd, &from, out, nullptr, static_cast<size_t>(piece.size - done), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // unsupported here (EXDEV, EINVAL...), or short: finish below
        done += static_cast<uint64_t>(n);
    }
    while (done < piece.size) {
        const size_t want = static_cast<size_t>(std::min<uint64_t>(buf.size(), piece.size - done));
        const ssize_t n = ::pread(in.fd, buf.data(), want, static_cast<off_t>(piece.offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return SystemError("reading", piece.file, errno);
        if (n == 0) return base::MakeError(base::ErrorCode::kInvalidData, piece.file.string() + ": shorter than its mdat");
        if (auto st = WriteAll(out, buf.data(), static_cast<size_t>(n), out_path); !st.ok()) return st;
        done += static_cast<uint64_t>(n);
    }
    return {};
}

/// A fragment's moof (and mdat header), read from the head of its file.
base::Result<format::mp4::ParsedFragment> ReadFragmentFile(const std::filesystem::path& path) {
    size_t want = kMoofHeadBytes;
    for (;;) {
        auto head = ReadFileHead(path, want);
        if (!head.ok()) return head.error();
        const auto& b = head.value();
        auto frag = format::mp4::ReadFragment(
            std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(b.data()), b.size()));
        if (frag.ok() || b.size() < want || want >= kMaxMoofBytes)
            return frag.ok() ? frag : base::Result<format::mp4::ParsedFragment>(base::MakeError(
                                          frag.error().code, path.string() + ": " + frag.error().message));
        want = kMaxMoofBytes;  // a moof larger than the head: read up to the limit
    }
}

}  // namespace

std::string BuildRecordingPlaylist(const std::vector<SegmentEntry>& segments, bool ended) {
    format::hls::MediaPlaylist pl;
    pl.version = 7;
    pl.playlist_type = ended ? format::hls::PlaylistType::kVod : format::hls::PlaylistType::kEvent;
    pl.independent_segments = true;
    pl.ended = ended;
    pl.media_sequence = segments.empty() ? 0 : static_cast<uint64_t>(segments.front().number);
    int64_t longest = 0;
    uint32_t init = 0;
    pl.segments.reserve(segments.size());
    for (const auto& s : segments) {
        format::hls::MediaSegment m;
        m.duration = s.duration;
        m.uri = std::to_string(s.number) + ".m4s";
        m.discontinuity = s.discontinuity && !pl.segments.empty();
        if (s.init != init) m.map_uri = "init-" + std::to_string(s.init) + ".mp4";
        init = s.init;
        if (s.wallclock_ms > 0) m.program_date_time_ms = s.wallclock_ms;
        longest = std::max(longest, s.duration);
        pl.segments.push_back(std::move(m));
    }
    // EXTINF rounded to the nearest second never exceeds it (RFC 8216 4.3.3.1).
    pl.target_duration_seconds = std::max<int64_t>(1, (longest + media::kTimescale / 2) / media::kTimescale);
    return format::hls::WriteMediaPlaylist(pl);
}

base::Result<MovieSummary> WriteRecordingMovie(const std::filesystem::path& dir, uint32_t inits,
                                               const std::vector<SegmentEntry>& segments) {
    // Sample descriptions: per init segment and track, the index of its
    // config in that track's list.
    std::map<uint32_t, format::mp4::MovieTrack> tracks;  // by track id
    std::map<std::pair<uint32_t, uint32_t>, uint32_t> description_of;  // (init, track) -> 1-based
    for (uint32_t k = 1; k <= inits; ++k) {
        const auto path = RecordingFiles::Init(dir, k);
        auto bytes = ReadFileBounded(path, kMaxInitBytes);
        if (!bytes.ok()) return bytes.error();
        auto parsed = format::mp4::ReadInitSegment(
            std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes.value().data()), bytes.value().size()));
        if (!parsed.ok()) return base::MakeError(base::ErrorCode::kInvalidData, path.string() + ": " + parsed.error().message);
        for (const auto& t : parsed.value()) {
            auto [it, fresh] = tracks.try_emplace(t.id);
            auto& mt = it->second;
            if (fresh) {
                mt.id = t.id;
                mt.timescale = t.timescale;
            } else if (mt.timescale != t.timescale) {
                return base::MakeError(base::ErrorCode::kUnsupported,
                                       path.string() + ": track " + std::to_string(t.id) +
                                           " changes its timescale; one MP4 track cannot hold both");
            }
            if (mt.descriptions.empty() || !(mt.descriptions.back() == t.config)) mt.descriptions.push_back(t.config);
            description_of[{k, t.id}] = static_cast<uint32_t>(mt.descriptions.size());
        }
    }

    std::vector<Piece> pieces;
    pieces.reserve(segments.size());
    uint64_t payload = 0;
    std::map<uint32_t, uint64_t> next_decode;  // per track: where its samples so far end
    for (const auto& s : segments) {
        const auto path = RecordingFiles::Fragment(dir, s.number);
        auto frag = ReadFragmentFile(path);
        if (!frag.ok()) return frag.error();
        const auto& f = frag.value();
        for (const auto& run : f.tracks) {
            auto it = tracks.find(run.track_id);
            if (it == tracks.end() || run.samples.empty()) continue;
            auto& mt = it->second;
            auto end = next_decode.find(run.track_id);
            if (end == next_decode.end()) {
                mt.start_offset = run.base_decode_time;
            } else if (!mt.samples.empty() && run.base_decode_time != end->second) {
                // The previous fragment's last duration was a guess: it
                // lasts until this fragment starts.
                const int64_t fixed = static_cast<int64_t>(mt.samples.back().duration) +
                                      static_cast<int64_t>(run.base_decode_time) - static_cast<int64_t>(end->second);
                if (fixed > 0 && fixed <= int64_t{0xffffffff}) mt.samples.back().duration = static_cast<uint32_t>(fixed);
            }
            format::mp4::Chunk chunk;
            chunk.first_sample = static_cast<uint32_t>(mt.samples.size());
            chunk.sample_count = static_cast<uint32_t>(run.samples.size());
            chunk.offset_in_mdat = payload + (run.data_offset - f.mdat_payload_offset);
            auto d = description_of.find({s.init, run.track_id});
            chunk.description_index = d == description_of.end() ? 1 : d->second;
            mt.chunks.push_back(chunk);
            mt.samples.insert(mt.samples.end(), run.samples.begin(), run.samples.end());
            uint64_t sum = run.base_decode_time;
            for (const auto& sample : run.samples) sum += sample.duration;
            next_decode[run.track_id] = sum;
        }
        pieces.push_back({path, f.mdat_payload_offset, f.mdat_payload_size});
        payload += f.mdat_payload_size;
    }

    std::vector<format::mp4::MovieTrack> list;
    MovieSummary summary;
    for (auto& [id, t] : tracks) {
        if (t.samples.empty()) continue;
        (id == format::mp4::kVideoTrackId ? summary.video_frames : summary.audio_frames) += t.samples.size();
        list.push_back(std::move(t));
    }
    if (list.empty()) return base::MakeError(base::ErrorCode::kNotFound, dir.string() + ": no samples to write");
    const base::SharedBuffer header = format::mp4::WriteMovieHeader(list, payload);

    const auto final_path = RecordingFiles::Movie(dir);
    auto tmp = final_path;
    tmp += ".tmp";
    {
        Fd out{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
        if (out.fd < 0) return SystemError("creating", tmp, errno);
        auto fail = [&](base::Error e) -> base::Result<MovieSummary> {
            ::unlink(tmp.c_str());
            return e;
        };
        if (auto st = WriteAll(out.fd, header.data(), header.size(), tmp); !st.ok()) return fail(st.error());
        std::vector<uint8_t> buf(kCopyBytes);
        for (const auto& piece : pieces)
            if (auto st = CopyPiece(out.fd, tmp, piece, buf); !st.ok()) return fail(st.error());
        if (::fsync(out.fd) != 0) return fail(SystemError("syncing", tmp, errno));
    }
    if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
        const int e = errno;
        ::unlink(tmp.c_str());
        return SystemError("renaming into", final_path, e);
    }
    summary.bytes = header.size() + payload;
    return summary;
}

}  // namespace onair::origin
