#!/usr/bin/env python3
"""Minimal RTMP player for the integration tests (standard library only).

  rtmp_client.py play  --url rtmp://127.0.0.1:P/live/NAME [--seconds S] [--timeout T]
  rtmp_client.py stall --url rtmp://127.0.0.1:P/live/NAME [--seconds S] [--rcvbuf BYTES]

play: plain handshake, connect, createStream, play; reads for --seconds after
NetStream.Play.Start (or until the first keyframe with --until-keyframe) and
prints one JSON line: milliseconds from TCP connect to Play.Start, to the first
video keyframe and first audio frame, frame counts, codec ids, the status codes
seen. Exit 0 only if Play.Start came and a video keyframe and audio arrived.

stall: the same up to NetStream.Play.Start with a small receive buffer
(--rcvbuf), then stops reading (a player that stopped reading: the server's
writes stall soon); prints {"stalled": true, ...} and keeps the socket open
for --seconds. With --resume-seconds R it then reads again for R seconds and
prints the play report, including "video_jumps" (timestamp gaps > 500 ms and
whether the frame after each is a keyframe). Exit 1 if Play.Start never came.

Everything is bounded by --timeout (connect, handshake, replies).
"""
import argparse
import json
import os
import socket
import struct
import sys
import time
import urllib.parse


class Fail(Exception):
    pass


# ---- AMF0 ---------------------------------------------------------------
def amf_enc(v):
    if v is None:
        return b"\x05"
    if isinstance(v, bool):
        return b"\x01" + (b"\x01" if v else b"\x00")
    if isinstance(v, (int, float)):
        return b"\x00" + struct.pack(">d", float(v))
    if isinstance(v, str):
        b = v.encode()
        return b"\x02" + struct.pack(">H", len(b)) + b
    if isinstance(v, dict):
        out = b"\x03"
        for k, x in v.items():
            kb = k.encode()
            out += struct.pack(">H", len(kb)) + kb + amf_enc(x)
        return out + b"\x00\x00\x09"
    raise TypeError(type(v))


def amf_dec(b, i=0, depth=0):
    if depth > 16:
        raise Fail("amf nesting too deep")
    m = b[i]
    i += 1
    if m == 0x00:
        return struct.unpack_from(">d", b, i)[0], i + 8
    if m == 0x01:
        return b[i] != 0, i + 1
    if m == 0x02:
        n = struct.unpack_from(">H", b, i)[0]
        return b[i + 2:i + 2 + n].decode("utf-8", "replace"), i + 2 + n
    if m in (0x03, 0x08):
        if m == 0x08:
            i += 4
        o = {}
        while True:
            n = struct.unpack_from(">H", b, i)[0]
            i += 2
            if n == 0 and b[i] == 0x09:
                return o, i + 1
            k = b[i:i + n].decode("utf-8", "replace")
            i += n
            o[k], i = amf_dec(b, i, depth + 1)
    if m in (0x05, 0x06):
        return None, i
    if m == 0x0A:
        n = struct.unpack_from(">I", b, i)[0]
        i += 4
        arr = []
        for _ in range(n):
            x, i = amf_dec(b, i, depth + 1)
            arr.append(x)
        return arr, i
    if m == 0x0C:
        n = struct.unpack_from(">I", b, i)[0]
        return b[i + 4:i + 4 + n].decode("utf-8", "replace"), i + 4 + n
    raise Fail("amf marker %d unsupported" % m)


def amf_all(b):
    out, i = [], 0
    while i < len(b):
        v, i = amf_dec(b, i)
        out.append(v)
    return out


# ---- connection ---------------------------------------------------------
class Rtmp:
    def __init__(self, host, port, timeout, rcvbuf=0):
        self.t0 = time.monotonic()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect((host, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.t0 = time.monotonic()
        self.buf = bytearray()
        self.in_chunk = 128
        self.out_chunk = 128
        self.streams = {}  # csid -> [ts, length, type, sid, ext, partial bytearray, delta]
        self.received = 0
        self.acked = 0
        self.window = 0

    def ms(self):
        return round((time.monotonic() - self.t0) * 1000, 1)

    def recv_exact(self, n):
        while len(self.buf) < n:
            d = self.sock.recv(65536)
            if not d:
                raise Fail("connection closed by server")
            self.received += len(d)
            self.buf += d
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out

    def handshake(self):
        c1 = struct.pack(">II", 0, 0) + os.urandom(1528)
        self.sock.sendall(b"\x03" + c1)
        s0 = self.recv_exact(1)
        if s0 != b"\x03":
            raise Fail("bad S0 %r" % s0)
        s1 = self.recv_exact(1536)
        self.recv_exact(1536)  # S2
        self.sock.sendall(s1)

    def send_msg(self, csid, mtype, sid, payload, ts=0):
        hdr = bytes([csid & 0x3F]) + struct.pack(">I", ts)[1:] + struct.pack(">I", len(payload))[1:] + \
            bytes([mtype]) + struct.pack("<I", sid)
        out = bytearray(hdr)
        for off in range(0, max(len(payload), 1), self.out_chunk):
            if off:
                out.append(0xC0 | (csid & 0x3F))
            out += payload[off:off + self.out_chunk]
        self.sock.sendall(bytes(out))

    def command(self, csid, sid, *values):
        self.send_msg(csid, 20, sid, b"".join(amf_enc(v) for v in values))

    def read_message(self):
        """Returns (type, stream id, timestamp, payload) of the next complete message."""
        while True:
            b0 = self.recv_exact(1)[0]
            fmt, csid = b0 >> 6, b0 & 0x3F
            if csid == 0:
                csid = 64 + self.recv_exact(1)[0]
            elif csid == 1:
                x = self.recv_exact(2)
                csid = 64 + x[0] + x[1] * 256
            st = self.streams.get(csid)
            if st is None:
                if fmt != 0:
                    raise Fail("chunk stream %d starts with fmt %d" % (csid, fmt))
                st = self.streams[csid] = [0, 0, 0, 0, False, bytearray(), 0]
            if fmt == 0:
                h = self.recv_exact(11)
                ts = int.from_bytes(h[0:3], "big")
                st[1] = int.from_bytes(h[3:6], "big")
                st[2] = h[6]
                st[3] = struct.unpack("<I", h[7:11])[0]
                st[4] = ts == 0xFFFFFF
                if st[4]:
                    ts = struct.unpack(">I", self.recv_exact(4))[0]
                st[0], st[6] = ts, 0
            elif fmt in (1, 2):
                h = self.recv_exact(7 if fmt == 1 else 3)
                delta = int.from_bytes(h[0:3], "big")
                if fmt == 1:
                    st[1] = int.from_bytes(h[3:6], "big")
                    st[2] = h[6]
                st[4] = delta == 0xFFFFFF
                if st[4]:
                    delta = struct.unpack(">I", self.recv_exact(4))[0]
                st[6] = delta
                st[0] = (st[0] + delta) & 0xFFFFFFFF
            else:
                if st[4]:
                    self.recv_exact(4)
                if not st[5]:  # a new message with the previous header: apply the delta again
                    st[0] = (st[0] + st[6]) & 0xFFFFFFFF
            need = st[1] - len(st[5])
            st[5] += self.recv_exact(min(need, self.in_chunk))
            self.maybe_ack()
            if len(st[5]) >= st[1]:
                payload = bytes(st[5])
                st[5] = bytearray()
                mtype, sid, ts = st[2], st[3], st[0]
                if mtype == 1:
                    self.in_chunk = struct.unpack(">I", payload[:4])[0] & 0x7FFFFFFF
                    continue
                if mtype == 5:
                    self.window = struct.unpack(">I", payload[:4])[0]
                    continue
                if mtype == 4 and len(payload) >= 6 and struct.unpack(">H", payload[:2])[0] == 6:
                    self.send_msg(2, 4, 0, struct.pack(">H", 7) + payload[2:6])
                    continue
                return mtype, sid, ts, payload

    def maybe_ack(self):
        if self.window and self.received - self.acked >= self.window // 2:
            self.acked = self.received
            self.send_msg(2, 3, 0, struct.pack(">I", self.received & 0xFFFFFFFF))


def start_play(url, timeout, rcvbuf, result):
    u = urllib.parse.urlparse(url)
    if u.scheme != "rtmp":
        raise Fail("not an rtmp URL")
    parts = u.path.strip("/").split("/", 1)
    if len(parts) != 2:
        raise Fail("URL must be rtmp://host:port/app/name")
    app, name = parts
    c = Rtmp(u.hostname, u.port or 1935, timeout, rcvbuf)
    c.handshake()
    result["handshake_ms"] = c.ms()
    c.send_msg(2, 1, 0, struct.pack(">I", 4096))
    c.out_chunk = 4096
    c.command(3, 0, "connect", 1, {
        "app": app, "flashVer": "LNX 9,0,124,2", "tcUrl": "rtmp://%s:%d/%s" % (u.hostname, u.port or 1935, app),
        "fpad": False, "capabilities": 15.0, "audioCodecs": 3191.0, "videoCodecs": 252.0, "videoFunction": 1.0})
    sid = None
    deadline = time.monotonic() + timeout
    media = []
    while time.monotonic() < deadline:
        mtype, msid, ts, payload = c.read_message()
        if mtype == 20:
            vals = amf_all(payload)
            if not vals:
                continue
            name_ = vals[0]
            if name_ == "_result" and vals[1] == 1:
                result["connect_ms"] = c.ms()
                c.command(3, 0, "createStream", 2, None)
            elif name_ == "_result" and vals[1] == 2:
                sid = int(vals[3])
                c.send_msg(2, 4, 0, struct.pack(">HII", 3, sid, 1000))  # set buffer length
                c.command(8, sid, "play", 3, None, name, -2000)
            elif name_ == "_error":
                info = vals[3] if len(vals) > 3 and isinstance(vals[3], dict) else {}
                result["status"].append(info.get("code", "_error"))
                raise Fail("server _error: %s" % (info.get("code") or info.get("description")))
            elif name_ == "onStatus":
                info = vals[3] if len(vals) > 3 and isinstance(vals[3], dict) else {}
                code = info.get("code", "")
                result["status"].append(code)
                if code == "NetStream.Play.Start":
                    result["play_start_ms"] = c.ms()
                    return c, media
                if info.get("level") == "error" or code in ("NetStream.Play.StreamNotFound", "NetStream.Play.Failed"):
                    raise Fail("play refused: %s" % code)
        elif mtype in (8, 9, 18):
            media.append((mtype, ts, payload))  # media may precede Play.Start
    raise Fail("no NetStream.Play.Start within %.0f s" % timeout)


def account(result, c, mtype, ts, payload, first_ts):
    if mtype == 9 and payload:
        result["video_frames"] += 1
        result["video_codec"] = payload[0] & 0x0F
        is_config = len(payload) > 1 and payload[1] == 0 and (payload[0] & 0x0F) == 7
        if is_config:
            result["video_configs"] += 1
        else:
            if result["first_frame_is_keyframe"] is None:
                result["first_frame_is_keyframe"] = (payload[0] >> 4) == 1
                result["config_before_first_frame"] = result["video_configs"] > 0
            if (payload[0] >> 4) == 1 and result["first_keyframe_ms"] is None:
                result["first_keyframe_ms"] = c.ms()
            if result["_last_vts"] is not None:
                gap = (ts - result["_last_vts"]) & 0xFFFFFFFF
                if gap > 0x7FFFFFFF:
                    result["backward_video_ts"] += 1
                else:
                    result["max_video_gap_ms"] = max(result["max_video_gap_ms"], gap)
                    if gap > 500 and len(result["video_jumps"]) < 20:
                        result["video_jumps"].append({"gap_ms": gap, "keyframe": (payload[0] >> 4) == 1})
            result["_last_vts"] = ts
        if result["first_video_ms"] is None:
            result["first_video_ms"] = c.ms()
    elif mtype == 8 and payload:
        result["audio_frames"] += 1
        result["audio_codec"] = payload[0] >> 4
        if result["first_audio_ms"] is None:
            result["first_audio_ms"] = c.ms()
    elif mtype == 18:
        result["metadata"] = True
    if mtype in (8, 9):
        if first_ts[0] is None:
            first_ts[0] = ts
        result["media_ms"] = ts - first_ts[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["play", "stall"])
    ap.add_argument("--url", required=True)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--timeout", type=float, default=15)
    ap.add_argument("--rcvbuf", type=int, default=4096)
    ap.add_argument("--until-keyframe", action="store_true")
    ap.add_argument("--resume-seconds", type=float, default=0,
                    help="stall: read again for this long after --seconds, then report")
    a = ap.parse_args()
    result = {"mode": a.mode, "ok": False, "status": [], "handshake_ms": None, "connect_ms": None,
              "play_start_ms": None, "first_video_ms": None, "first_keyframe_ms": None, "first_audio_ms": None,
              "video_frames": 0, "audio_frames": 0, "video_codec": None, "audio_codec": None,
              "metadata": False, "media_ms": 0, "video_configs": 0,
              "first_frame_is_keyframe": None, "max_video_gap_ms": 0, "video_jumps": [], "backward_video_ts": 0, "_last_vts": None, "config_before_first_frame": None, "bytes": 0, "error": None}
    c = None
    try:
        c, early = start_play(a.url, a.timeout, a.rcvbuf if a.mode == "stall" else 0, result)
        first_ts = [None]
        for m in early:
            account(result, c, *m, first_ts)
        if a.mode == "stall":
            result["ok"] = True
            result["stalled"] = True
            result["bytes"] = c.received
            print(json.dumps({k: v for k, v in result.items() if k != "_last_vts"}), flush=True)
            time.sleep(a.seconds)  # never read in the meantime
            if a.resume_seconds <= 0:
                return 0
            result["stalled"] = False
            result["resumed"] = True
            a.seconds = a.resume_seconds
        end = time.monotonic() + a.seconds
        c.sock.settimeout(a.timeout)
        while time.monotonic() < end:
            mtype, sid, ts, payload = c.read_message()
            account(result, c, mtype, ts, payload, first_ts)
            if a.until_keyframe and result["first_keyframe_ms"] is not None and result["audio_frames"] > 0:
                break
        result["ok"] = result["first_keyframe_ms"] is not None and result["audio_frames"] > 0
        if not result["ok"]:
            result["error"] = "no video keyframe and audio"
    except (Fail, OSError, struct.error, IndexError, ValueError) as e:
        result["error"] = "%s: %s" % (type(e).__name__, e)
    finally:
        if c is not None:
            result["bytes"] = c.received
            c.sock.close()
    result.pop("_last_vts", None)
    print(json.dumps(result), flush=True)
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
