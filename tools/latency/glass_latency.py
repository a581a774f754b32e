#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Glass-to-glass latency of any stream ffmpeg can play, without a browser.

    tools/latency/glass_latency.py --url rtmp://127.0.0.1/live/ch --seconds 30 [--warmup 3] [--per-frame]
    tools/latency/glass_latency.py --file encoder-output.flv      # check a recording of the source

The stream must come from the clocked source (tests/support/clocked_source.sh):
every frame carries, in a band of 32 black/white blocks at the top, the
wall-clock millisecond it was made. ffmpeg decodes the stream and writes the
band of each frame (gray, cropped) to a pipe as PGM; for each frame read, the
latency is this machine's wall clock now minus the instant in the band. So it
is the time from the frame's making to its decoded picture here: the encoder,
the push, the server, the network and ffmpeg's demuxer and decoder. A player
would add its own jitter buffer on top (ffplay: about 0.1-0.5 s); none is here.

ffmpeg's own buffering is kept out where it can be: for rtmp:// the input is
read with -fflags nobuffer -flags low_delay and a short probe (see
LOW_DELAY_INPUT; --input-opts replaces them), the H.264 decoder runs with one thread (frame threads hold a frame each), -fps_mode
passthrough (no frame duplicated or dropped) and -flush_packets 1 (each frame
leaves ffmpeg at once). What remains: the decode of one frame (a few ms at
720p) and the pipe.

With --file, the frames are decoded as fast as ffmpeg can and the report is
about the stamps themselves: how many frames decoded, how many bands were
rejected (a misread) and the intervals between consecutive stamps (the
source's pacing; 33.3 ms at 30 fps).

Prints one JSON line (median, p95, min and max latency in ms over the samples
after the warm-up, sample and rejected counts, the stamp intervals); exits 0
when at least --min-samples samples were taken, 1 otherwise, 2 on bad usage.
"""
import argparse
import json
import os
import subprocess
import sys
import threading
import time

WRAP = 1 << 24  # the band holds the wall-clock ms modulo 2^24
BITS = 32
DATA_BITS = 24
# A block's mean luma (0-255, black is 16 and white 235 on the wire) must be
# clearly on one side: anything between is a misread, and the frame is rejected.
LOW, HIGH = 80, 170


def layout(width):
    """(columns, rows, block width, block height) for a frame this wide."""
    cols = 32 if width >= 640 else 16
    return cols, BITS // cols, width // cols, 3 * width // (4 * cols)


def check_byte(v):
    return ((v & 0xFF) + 3 * ((v >> 8) & 0xFF) + 7 * ((v >> 16) & 0xFF) + 165) & 0xFF


def decode_band(pixels, width, height):
    """The stamp (ms mod 2^24) in a gray band, or None if it does not read."""
    cols, rows, bw, bh = layout(width)
    if rows * bh > height or bw < 4 or bh < 4:
        return None
    word = 0
    for i in range(BITS):
        bx, by = (i % cols) * bw, (i // cols) * bh
        # The middle half of the block in both directions: its edges are
        # where the encoder's blur and chroma subsampling reach.
        x0, x1 = bx + bw // 4, bx + bw - bw // 4
        y0, y1 = by + bh // 4, by + bh - bh // 4
        total = 0
        for y in range(y0, y1):
            total += sum(pixels[y * width + x0:y * width + x1])
        mean = total / ((x1 - x0) * (y1 - y0))
        if LOW < mean < HIGH:
            return None
        if mean >= HIGH:
            word |= 1 << i
    v = word & (WRAP - 1)
    if word >> DATA_BITS != check_byte(v):
        return None
    return v


def latency_ms(now_ms, stamp):
    """now - the latest instant <= now (within 2^23 ms) whose low bits are stamp."""
    d = (now_ms - stamp) % WRAP
    return d - WRAP if d >= WRAP // 2 else d


def read_exact(f, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = f.read(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def read_pgm(f):
    """(width, height, pixels) of the next binary PGM on f, or None at the end."""
    fields = []
    while len(fields) < 4:
        tok = bytearray()
        while True:
            c = f.read(1)
            if not c:
                return None
            if c.isspace():
                if tok:
                    break
                continue
            tok += c
            if len(tok) > 16:
                raise ValueError("bad PGM header")
        fields.append(bytes(tok))
    if fields[0] != b"P5" or fields[3] != b"255":
        raise ValueError("not an 8-bit binary PGM: %r" % fields)
    w, h = int(fields[1]), int(fields[2])
    if not (0 < w <= 8192 and 0 < h <= 8192):
        raise ValueError("PGM size %dx%d" % (w, h))
    px = read_exact(f, w * h)
    return None if px is None else (w, h, px)


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * (len(sorted_values) - 1)))))
    return sorted_values[k]


def summary(values):
    s = sorted(values)
    if not s:
        return {"median": None, "p95": None, "min": None, "max": None}
    return {"median": round(percentile(s, 50), 1), "p95": round(percentile(s, 95), 1),
            "min": round(s[0], 1), "max": round(s[-1], 1)}


# For a live RTMP (or piped FLV) input: the packets read while probing are
# dropped, not queued (nobuffer), and the probe lasts 1.5 s of media at most.
# It cannot be shorter: nginx-rtmp sends a new player audio at once but video
# only from the next keyframe (1 s GOP here), and a probe that ends first
# finds no video stream (so -probesize 32 -analyzeduration 0 fail; and 0
# means ffmpeg's default, 5 s). The probe costs start-up only: nothing paces
# the reading, so the decoder catches up within the warm-up.
LOW_DELAY_INPUT = "-fflags nobuffer -flags low_delay -analyzeduration 1500000"


def ffmpeg_command(src, is_file, ffmpeg, input_opts):
    cmd = [ffmpeg, "-nostdin", "-hide_banner", "-v", "error"]
    if input_opts is not None:
        cmd += input_opts.split()
    elif not is_file and src.startswith(("rtmp://", "rtmps://", "pipe:")):
        cmd += LOW_DELAY_INPUT.split()
    cmd += ["-threads", "1", "-i", src, "-map", "0:v:0", "-an", "-sn",
            # The band is at most 3/32 of the width tall (two rows of 16).
            "-vf", "crop=iw:min(ih\\,trunc(iw*3/32)):0:0,format=gray",
            "-fps_mode", "passthrough", "-flush_packets", "1", "-f", "image2pipe", "-c:v", "pgm", "pipe:1"]
    return cmd


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--url", help="a live stream of the clocked source (rtmp://, http://...m3u8, ...)")
    g.add_argument("--file", help="a recording of the clocked source: check its stamps, no latency")
    ap.add_argument("--seconds", type=float, default=30, help="measure this long after the warm-up")
    ap.add_argument("--warmup", type=float, default=3,
                    help="seconds after the first frame not counted (an RTMP server's GOP burst)")
    ap.add_argument("--timeout", type=float, default=20, help="give up if no frame comes within this")
    ap.add_argument("--min-samples", type=int, default=1)
    ap.add_argument("--per-frame", action="store_true", help="print 'wall_ms stamp latency_ms' per frame to stderr")
    ap.add_argument("--ffmpeg", default="ffmpeg")
    ap.add_argument("--input-opts", help="ffmpeg input options instead of the defaults (rtmp: %s)" % LOW_DELAY_INPUT)
    a = ap.parse_args()
    if a.seconds <= 0 or a.warmup < 0 or a.timeout <= 0:
        ap.error("bad number")
    src = a.url or a.file
    is_file = a.file is not None

    proc = subprocess.Popen(ffmpeg_command(src, is_file, a.ffmpeg, a.input_opts), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, bufsize=0)
    os.set_blocking(proc.stderr.fileno(), False)
    result = {"url": src, "ok": False, "mode": "file" if is_file else "live", "frames": 0, "rejected": 0,
              "samples": 0, "latency_ms": None, "first_frame_ms": None, "stamp_interval_ms": None,
              "stamp_gaps": 0, "negative": 0, "size": None, "reason": ""}
    t_start = time.time()
    first_at = None
    lat = []
    stamps = []
    timer = threading.Timer(a.timeout, lambda: proc.kill() if first_at is None else None)
    timer.daemon = True
    timer.start()
    try:
        while True:
            frame = read_pgm(proc.stdout)
            now = time.time()
            if frame is None:
                break
            w, h, px = frame
            if first_at is None:
                first_at = now
                result["first_frame_ms"] = round((now - t_start) * 1000)
                result["size"] = "%dx%d" % (w, h)
            result["frames"] += 1
            stamp = decode_band(px, w, h)
            if stamp is None:
                result["rejected"] += 1
                continue
            stamps.append(stamp)
            l = latency_ms(now * 1000.0, stamp)
            if a.per_frame:
                sys.stderr.write("%.1f %d %.1f\n" % (now * 1000.0, stamp, l))
            if is_file:
                continue
            if now - first_at < a.warmup:
                continue
            if l < 0:
                result["negative"] += 1
            lat.append(l)
            if now - first_at >= a.warmup + a.seconds:
                break
    except ValueError as e:
        result["reason"] = "ffmpeg output: %s" % e
    finally:
        timer.cancel()
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    err = b""
    try:
        err = proc.stderr.read() or b""
    except (BlockingIOError, ValueError):
        pass
    intervals = [(b - a_) % WRAP for a_, b in zip(stamps, stamps[1:])]
    if intervals:
        result["stamp_interval_ms"] = summary(intervals)
        med = percentile(sorted(intervals), 50)
        result["stamp_gaps"] = sum(1 for d in intervals if d > 1.5 * med)
    result["samples"] = len(lat)
    if lat:
        s = summary(lat)
        s["mean"] = round(sum(lat) / len(lat), 1)
        result["latency_ms"] = s
    if not result["reason"]:
        if result["frames"] == 0:
            result["reason"] = "no frame (%s)" % (err.decode(errors="replace").strip().splitlines() or
                                                  ["timeout after %g s" % a.timeout])[-1]
        elif is_file:
            result["ok"] = len(stamps) > 0
            if not result["ok"]:
                result["reason"] = "no band read"
        elif len(lat) < a.min_samples:
            result["reason"] = "%d samples < %d" % (len(lat), a.min_samples)
        else:
            result["ok"] = True
    print(json.dumps(result), flush=True)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
