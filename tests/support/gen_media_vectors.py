#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Regenerates tests/support/media_vectors.h: FLV tag bodies from real
encoders (ffmpeg + libx264 + ffmpeg's native AAC encoder), with what ffprobe
and ffmpeg's trace_headers bitstream filter report about them.

    python3 tests/support/gen_media_vectors.py /tmp/vectors [tests/fuzz/corpus] > tests/support/media_vectors.h

With a second argument it also writes the fuzz seed corpora
(format_flv_fuzz, codec_bitstream_fuzz) from the same streams.

Two SPS vectors carry a seq_scaling_matrix (x264 only ever signals its
matrices in the PPS): they are x264's SPS with the flag set and scaling lists
inserted, and ffmpeg's decoder is run on the result to confirm it still
parses to the same picture size (see with_sps_scaling_lists).
"""
import os
import re
import struct
import subprocess
import sys

FF = ["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y"]

VIDEO = [
    # name, source size, ffmpeg arguments
    ("high720", "1280x720", ["-profile:v", "high"]),
    ("high1080", "1920x1080", ["-profile:v", "high"]),
    ("baseline360", "640x360", ["-profile:v", "baseline"]),
    ("main480", "854x480", ["-profile:v", "main"]),
    ("high240", "426x240", ["-profile:v", "high"]),
    ("high444", "352x288", ["-pix_fmt", "yuv444p", "-profile:v", "high444"]),
    ("high444odd", "426x242", ["-vf", "format=yuv444p,crop=425:241:0:0", "-profile:v", "high444"]),
    ("high422odd", "320x240", ["-vf", "format=yuv422p,crop=320:239:0:0", "-profile:v", "high422"]),
    ("high10", "320x180", ["-pix_fmt", "yuv420p10le", "-profile:v", "high10"]),
    ("gray141", "320x240", ["-vf", "format=gray,crop=176:141:0:0"]),
    ("cqmjvt", "640x360", ["-profile:v", "high", "-x264-params", "cqm=jvt"]),
    ("interlaced1080", "1920x1080", ["-profile:v", "high", "-flags", "+ildct+ilme"]),
    ("interlaced576", "720x576", ["-profile:v", "main", "-flags", "+ildct+ilme"]),
]

AUDIO = [
    ("aac44100stereo", 44100, 2, []),
    ("aac48000mono", 48000, 1, []),
    ("aac22050mono", 22050, 1, []),
    ("aac96000stereo", 96000, 2, []),
    ("aac48000surround51", 48000, 6, []),
    ("aac48000surround71", 48000, 8, ["-channel_layout", "7.1"]),
]

TRACE_FIELDS = ["profile_idc", "level_idc", "chroma_format_idc", "bit_depth_luma_minus8", "frame_mbs_only_flag",
                "num_units_in_tick", "time_scale", "seq_scaling_matrix_present_flag"]


def run(args, **kw):
    return subprocess.run(args, check=True, capture_output=True, stdin=subprocess.DEVNULL, **kw)


def flv_tags(path):
    d = open(path, "rb").read()
    assert d[:3] == b"FLV"
    off = struct.unpack(">I", d[5:9])[0] + 4
    while off + 11 <= len(d):
        t = d[off]
        size = int.from_bytes(d[off + 1:off + 4], "big")
        ts = int.from_bytes(d[off + 4:off + 7], "big") | (d[off + 7] << 24)
        yield t, ts, d[off + 11:off + 11 + size]
        off += 11 + size + 4


def ffprobe_stream(path, entries):
    out = run(["ffprobe", "-v", "error", "-show_entries", "stream=" + entries, "-of",
               "default=noprint_wrappers=1", path]).stdout.decode()
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def trace_sps(path):
    """SPS fields as ffmpeg's own H.264 parser (cbs) reads them."""
    err = subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-i", path, "-c", "copy", "-bsf:v", "trace_headers",
                          "-frames:v", "1", "-f", "null", "-"], capture_output=True, stdin=subprocess.DEVNULL).stderr
    text = err.decode()
    sps = text[text.index("Sequence Parameter Set"):text.index("Picture Parameter Set")]
    fields = {}
    for line in sps.splitlines():
        m = re.match(r"\[trace_headers @ \S+\] (\d+)\s+(\S+)\s+\S+ = (-?\d+)", line)
        if m and m.group(2) not in fields:
            fields[m.group(2)] = (int(m.group(1)), int(m.group(3)))
    return fields


def escape(rbsp):
    out = bytearray()
    zeros = 0
    for b in rbsp:
        if zeros >= 2 and b <= 3:
            out.append(3)
            zeros = 0
        out.append(b)
        zeros = zeros + 1 if b == 0 else 0
    return bytes(out)


def unescape(nal):
    out = bytearray()
    zeros = 0
    for b in nal:
        if zeros >= 2 and b == 3:
            zeros = 0
            continue
        out.append(b)
        zeros = zeros + 1 if b == 0 else 0
    return bytes(out)


def se_bits(v):
    k = 2 * v - 1 if v > 0 else -2 * v
    code = bin(k + 1)[2:]
    return "0" * (len(code) - 1) + code


def scaling_list_bits(values, size):
    """delta_scale codes for `values` (stops early at a 0, like the decoder)."""
    bits = ""
    last = 8
    for j in range(size):
        nxt = values[j] if j < len(values) else last
        delta = (nxt - last + 128) % 256 - 128
        bits += se_bits(delta)
        if nxt == 0:
            break
        last = nxt
    return bits


DEFAULT_4X4_INTRA = [6, 13, 13, 20, 20, 20, 28, 28, 28, 28, 32, 32, 32, 37, 37, 42]
DEFAULT_8X8_INTRA = [6, 10, 10, 13, 11, 13, 16, 16, 16, 16, 18, 18, 18, 18, 18, 23, 23, 23, 23, 23, 23, 25, 25, 25, 25,
                     25, 25, 25, 27, 27, 27, 27, 27, 27, 27, 27, 29, 29, 29, 29, 29, 29, 29, 31, 31, 31, 31, 31, 31, 33,
                     33, 33, 33, 33, 36, 36, 36, 36, 38, 38, 38, 40, 40, 42]


def with_sps_scaling_lists(sps_nal, flag_bit, nlists):
    """x264's SPS with seq_scaling_matrix_present_flag=1 and lists inserted:
    explicit values, 'use the default' (first delta makes nextScale 0), a
    255 -> 1 wrap, an early stop (nextScale 0 after 3 entries), and absent
    lists."""
    rbsp = unescape(sps_nal)
    bits = "".join(f"{b:08b}" for b in rbsp)
    assert bits[flag_bit] == "0"
    bits = bits.rstrip("0")[:-1]  # drop rbsp_trailing_bits
    lists = ""
    for i in range(nlists):
        size = 16 if i < 6 else 64
        if i == 0:
            lists += "1" + scaling_list_bits(DEFAULT_4X4_INTRA, size)
        elif i == 1:
            lists += "1" + scaling_list_bits([0], size)
        elif i == 3:
            lists += "1" + scaling_list_bits([255, 1, 128, 127] + [16] * 12, size)
        elif i == 6:
            lists += "1" + scaling_list_bits(DEFAULT_8X8_INTRA, size)
        elif i == 7 or i == 9:
            lists += "1" + scaling_list_bits([16, 20, 24, 0], size)
        elif i == 11:
            lists += "1" + scaling_list_bits([120, 8, 255] * 21 + [1], size)
        else:
            lists += "0"
    bits = bits[:flag_bit] + "1" + lists + bits[flag_bit + 1:] + "1"
    bits += "0" * (-len(bits) % 8)
    return escape(bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8)))


def avcc_parts(avcc):
    n_sps = avcc[5] & 0x1f
    pos = 6
    sps = []
    for _ in range(n_sps):
        n = int.from_bytes(avcc[pos:pos + 2], "big")
        sps.append(avcc[pos + 2:pos + 2 + n])
        pos += 2 + n
    n_pps = avcc[pos]
    pos += 1
    pps = []
    for _ in range(n_pps):
        n = int.from_bytes(avcc[pos:pos + 2], "big")
        pps.append(avcc[pos + 2:pos + 2 + n])
        pos += 2 + n
    return sps, pps, avcc[pos:]


def annexb_with_sps(flv, new_sps, out_path):
    """The stream of `flv` as Annex B, its SPS replaced by `new_sps`."""
    out = bytearray()
    tags = list(flv_tags(flv))
    for t, _, body in tags:
        if t != 9:
            continue
        if body[1] == 0:
            _, pps, _ = avcc_parts(body[5:])
            out += b"\0\0\0\1" + new_sps
            for p in pps:
                out += b"\0\0\0\1" + p
        elif body[1] == 1:
            au = body[5:]
            pos = 0
            while pos < len(au):
                n = int.from_bytes(au[pos:pos + 4], "big")
                out += b"\0\0\0\1" + au[pos + 4:pos + 4 + n]
                pos += 4 + n
    open(out_path, "wb").write(out)


def carray(b, indent="    "):
    hexes = [f"0x{x:02x}" for x in b]
    lines = [", ".join(hexes[i:i + 16]) for i in range(0, len(hexes), 16)]
    return "{\n" + ",\n".join(indent + l for l in lines) + ",\n}" if lines else "{}"


def cname(name):
    return "k" + "".join(p.capitalize() for p in re.split(r"[^a-zA-Z0-9]+", name))


def flv_record(tag_type, ts, body):
    """A format_flv_fuzz record: kind, 16-bit length, 32-bit timestamp, body."""
    return bytes([1 if tag_type == 9 else 0]) + len(body).to_bytes(2, "big") + ts.to_bytes(4, "big") + body


def reframe(au, size):
    """An AVCC access unit with 4-byte lengths re-framed with `size`-byte lengths."""
    out = bytearray()
    pos = 0
    while pos < len(au):
        n = int.from_bytes(au[pos:pos + 4], "big")
        out += n.to_bytes(size, "big") + au[pos + 4:pos + 4 + n]
        pos += 4 + n
    return bytes(out)


def write_corpus(work, corpus):
    flv_dir = os.path.join(corpus, "format_flv_fuzz")
    codec_dir = os.path.join(corpus, "codec_bitstream_fuzz")
    os.makedirs(flv_dir, exist_ok=True)
    os.makedirs(codec_dir, exist_ok=True)

    def put(d, name, data):
        open(os.path.join(d, name), "wb").write(data)

    small = list(flv_tags(os.path.join(work, "small.flv")))
    media = [(t, ts, b) for t, ts, b in small if t in (8, 9)]
    put(flv_dir, "small_stream", b"".join(flv_record(*x) for x in media))
    # The same stream with 2-byte NAL lengths (avcC lengthSizeMinusOne = 1).
    two = []
    for t, ts, b in media:
        if t == 9 and b[1] == 0:
            b = b[:9] + bytes([0xfd]) + b[10:]
        elif t == 9 and b[1] == 1:
            b = b[:5] + reframe(b[5:], 2)
        two.append(flv_record(t, ts, b))
    put(flv_dir, "small_stream_2byte_lengths", b"".join(two))
    for name, _, _ in VIDEO:
        tags = [(t, ts, b) for t, ts, b in flv_tags(os.path.join(work, name + ".flv")) if t == 9]
        recs = [flv_record(*tags[0])] + [flv_record(*x) for x in tags[1:] if len(x[2]) < 4096][:2]
        put(flv_dir, "video_" + name, b"".join(recs))
        avcc = tags[0][2][5:]
        put(codec_dir, "avcc_" + name, avcc)
        put(codec_dir, "sps_" + name, avcc_parts(avcc)[0][0])
    for base in ("high720", "high444"):
        sps = open(os.path.join(work, base + "_sps_scaling.h264"), "rb").read().split(b"\0\0\0\1")[1]
        put(codec_dir, "sps_" + base + "_sps_scaling", sps)
    for name, _, _, _ in AUDIO:
        tags = [(t, ts, b) for t, ts, b in flv_tags(os.path.join(work, name + ".flv")) if t == 8]
        put(flv_dir, "audio_" + name, flv_record(*tags[0]) + flv_record(*tags[1]))
        put(codec_dir, "asc_" + name, tags[0][2][2:])
    for t, ts, b in media:
        if t == 9 and b[1] == 1:
            put(codec_dir, f"au4_{ts}", b[5:])
            put(codec_dir, f"au2_{ts}", reframe(b[5:], 2))
    put(codec_dir, "asc_he_aac", bytes([0x2b, 0x92, 0x08, 0x00]))
    put(codec_dir, "asc_he_aac_v2", bytes([0xeb, 0x09, 0x88, 0x00]))
    # Codecs the demuxer must refuse: VP6, HEVC over Enhanced RTMP, MP3.
    put(flv_dir, "unsupported", flv_record(9, 0, bytes([0x14, 0x00, 0x11, 0x22]))
        + flv_record(9, 0, b"\x90hvc1\x01\x64") + flv_record(8, 0, bytes([0x2f, 0xff, 0xfb])))


def main():
    work = sys.argv[1]
    os.makedirs(work, exist_ok=True)
    w = sys.stdout.write
    w("// SPDX-License-Identifier: Apache-2.0\n")
    w("// GENERATED by tests/support/gen_media_vectors.py from real encoder output\n")
    w("// (" + run(["ffmpeg", "-version"]).stdout.decode().splitlines()[0] + ", libx264, ffmpeg's AAC encoder).\n")
    w("// Expected values are what ffprobe / ffmpeg's trace_headers report. Do not edit.\n")
    w("#pragma once\n#include <cstdint>\n#include <span>\n\nnamespace onair::test::vectors {\n\n")

    w("struct H264Vector {\n    const char* name;\n    std::span<const uint8_t> avcc;  // AVCDecoderConfigurationRecord\n"
      "    // ffprobe\n    int width;\n    int height;\n    const char* ffprobe_profile;\n    int level;\n"
      "    // ffmpeg trace_headers (cbs)\n    uint8_t profile_idc;\n    uint8_t constraint_flags;\n"
      "    uint32_t chroma_format_idc;\n    uint32_t bit_depth_luma;\n    bool frame_mbs_only;\n"
      "    bool seq_scaling_matrix;\n    uint32_t num_units_in_tick;\n    uint32_t time_scale;\n"
      "    const char* codec_string;  // RFC 6381 from the SPS bytes\n};\n\n")
    entries = []

    def emit_video(name, flv, avcc, probe_path, trace_path):
        p = ffprobe_stream(probe_path, "width,height,profile,level")
        t = trace_sps(trace_path)
        sps = avcc_parts(avcc)[0][0]
        constraint = sps[2]
        w(f"// {name}: ffprobe {p['width']}x{p['height']} {p['profile']} level {p['level']}\n")
        w(f"inline constexpr uint8_t {cname(name)}Avcc[] = {carray(avcc)};\n\n")
        get = lambda k, d=0: t[k][1] if k in t else d
        entries.append(
            f'    {{"{name}", {cname(name)}Avcc, {p["width"]}, {p["height"]}, "{p["profile"]}", {p["level"]}, '
            f'{get("profile_idc")}, 0x{constraint:02x}, {get("chroma_format_idc", 1)}, '
            f'{get("bit_depth_luma_minus8") + 8}, {"true" if get("frame_mbs_only_flag") else "false"}, '
            f'{"true" if get("seq_scaling_matrix_present_flag") else "false"}, '
            f'{get("num_units_in_tick")}, {get("time_scale")}, '
            f'"avc1.{sps[1]:02x}{sps[2]:02x}{sps[3]:02x}"}},\n')

    for name, size, args in VIDEO:
        flv = os.path.join(work, name + ".flv")
        run(FF + ["-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30", "-frames:v", "4", "-c:v", "libx264",
                  "-bsf:v", "filter_units=remove_types=6"] + args + ["-an", "-f", "flv", flv])
        body = next(b for t, _, b in flv_tags(flv) if t == 9 and b[1] == 0)
        emit_video(name, flv, body[5:], flv, flv)

    # SPS-level scaling matrices (8 lists for 4:2:0, 12 for 4:4:4).
    for base, nlists in (("high720", 8), ("high444", 12)):
        flv = os.path.join(work, base + ".flv")
        body = next(b for t, _, b in flv_tags(flv) if t == 9 and b[1] == 0)
        avcc = body[5:]
        sps, pps, rest = avcc_parts(avcc)
        flag_bit = trace_sps(flv)["seq_scaling_matrix_present_flag"][0]
        new_sps = with_sps_scaling_lists(sps[0], flag_bit, nlists)
        new_avcc = bytearray(avcc[:6]) + len(new_sps).to_bytes(2, "big") + new_sps
        new_avcc += bytes([len(pps)]) + b"".join(len(p).to_bytes(2, "big") + p for p in pps) + rest
        h264 = os.path.join(work, base + "_sps_scaling.h264")
        annexb_with_sps(flv, new_sps, h264)
        run(["ffmpeg", "-nostdin", "-v", "error", "-xerror", "-i", h264, "-f", "null", "-"])  # decodes cleanly
        emit_video(base + "_sps_scaling", flv, bytes(new_avcc), h264, h264)

    w("inline constexpr H264Vector kH264Vectors[] = {\n" + "".join(entries) + "};\n\n")

    w("struct AacVector {\n    const char* name;\n    std::span<const uint8_t> asc;  // AudioSpecificConfig\n"
      "    std::span<const uint8_t> first_frame;  // first raw AAC frame\n"
      "    std::span<const uint8_t> first_adts_header;  // what ffmpeg's ADTS muxer writes for it\n"
      "    // ffprobe\n    int sample_rate;\n    int channels;\n    const char* ffprobe_profile;\n};\n\n")
    aentries = []
    for name, rate, ch, args in AUDIO:
        flv = os.path.join(work, name + ".flv")
        run(FF + ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate={rate}", "-t", "0.1", "-c:a", "aac",
                  "-ac", str(ch)] + args + ["-f", "flv", flv])
        adts = os.path.join(work, name + ".aac")
        run(FF + ["-i", flv, "-c:a", "copy", "-f", "adts", adts])
        tags = [b for t, _, b in flv_tags(flv) if t == 8]
        asc = next(b[2:] for b in tags if b[1] == 0)
        frame = next(b[2:] for b in tags if b[1] == 1)
        adts_bytes = open(adts, "rb").read()
        assert adts_bytes[7:7 + len(frame)] == frame
        p = ffprobe_stream(flv, "sample_rate,channels,profile")
        w(f"// {name}: ffprobe {p['sample_rate']} Hz, {p['channels']} channels, {p['profile']}\n")
        w(f"inline constexpr uint8_t {cname(name)}Asc[] = {carray(asc)};\n")
        w(f"inline constexpr uint8_t {cname(name)}Frame[] = {carray(frame)};\n")
        w(f"inline constexpr uint8_t {cname(name)}Adts[] = {carray(adts_bytes[:7])};\n\n")
        aentries.append(f'    {{"{name}", {cname(name)}Asc, {cname(name)}Frame, {cname(name)}Adts, '
                        f'{p["sample_rate"]}, {p["channels"]}, "{p["profile"]}"}},\n')
    w("inline constexpr AacVector kAacVectors[] = {\n" + "".join(aentries) + "};\n\n")

    # A short A/V stream (64x64 High, B-frames, AAC) as RTMP would carry it.
    flv = os.path.join(work, "small.flv")
    run(FF + ["-f", "lavfi", "-i", "testsrc2=size=64x64:rate=30", "-f", "lavfi", "-i",
              "sine=frequency=440:sample_rate=44100", "-frames:v", "6", "-t", "0.2", "-c:v", "libx264", "-profile:v",
              "high", "-crf", "51", "-bf", "2", "-g", "4", "-bsf:v", "filter_units=remove_types=6", "-c:a", "aac",
              "-b:a", "32k", "-ac", "2", "-f", "flv", flv])
    pk = run(["ffprobe", "-v", "error", "-show_entries", "packet=stream_index,pts,dts,flags", "-of", "csv=p=0",
              flv]).stdout.decode().split()
    probe_packets = [tuple(x.split(",")) for x in pk]
    w("/// One FLV tag of the small A/V stream (64x64 High with B-frames, AAC-LC\n"
      "/// 44.1 kHz stereo), and for media frames what ffprobe reports for it.\n"
      "struct FlvTag {\n    uint8_t type;  // 8 audio, 9 video\n    uint32_t timestamp_ms;\n"
      "    std::span<const uint8_t> body;\n    bool media;  // a coded frame ffprobe lists as a packet\n"
      "    int64_t pts_ms;\n    int64_t dts_ms;\n    bool keyframe;\n};\n\n")
    tentries = []
    vi = ai = 0
    vprobe = [p for p in probe_packets if p[0] == "0"]
    aprobe = [p for p in probe_packets if p[0] == "1"]
    for i, (t, ts, body) in enumerate(flv_tags(flv)):
        if t not in (8, 9):
            continue
        media = (t == 9 and body[1] == 1) or (t == 8 and body[1] == 1)
        pts = dts = 0
        key = False
        if media:
            src = vprobe[vi] if t == 9 else aprobe[ai]
            if t == 9:
                vi += 1
            else:
                ai += 1
            _, pts, dts, flags = src
            key = flags.startswith("K")
        w(f"inline constexpr uint8_t kSmallTag{i}[] = {carray(body)};\n")
        tentries.append(f"    {{{t}, {ts}, kSmallTag{i}, {'true' if media else 'false'}, {pts}, {dts}, "
                        f"{'true' if key else 'false'}}},\n")
    w("\ninline constexpr FlvTag kSmallFlv[] = {\n" + "".join(tentries) + "};\n\n")
    w("}  // namespace onair::test::vectors\n")
    if len(sys.argv) > 2:
        write_corpus(work, sys.argv[2])


if __name__ == "__main__":
    main()
