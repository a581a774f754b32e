#!/usr/bin/env python3
"""A webhook receiver for the integration tests: verifies X-Onair-Signature
with the shared secret, answers 500 to the first --fail-first deliveries and
204 after that, and appends one JSON line per delivery to --out:
{"event": ..., "delivery": ..., "signature_ok": bool, "status": int, "body": {...}}.
Prints its port on stdout once listening."""
import argparse
import hashlib
import hmac
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--secret", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--fail-first", type=int, default=0)
    args = ap.parse_args()
    state = {"seen": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            sig = self.headers.get("X-Onair-Signature", "")
            parts = dict(p.split("=", 1) for p in sig.split(",") if "=" in p)
            expected = hmac.new(args.secret.encode(), (parts.get("t", "") + ".").encode() + body,
                                hashlib.sha256).hexdigest()
            fresh = abs(time.time() - int(parts.get("t", "0") or 0)) < 300
            ok = hmac.compare_digest(expected, parts.get("v1", "")) and fresh
            state["seen"] += 1
            status = 500 if state["seen"] <= args.fail_first else 204
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
            with open(args.out, "a") as f:
                f.write(json.dumps({"event": self.headers.get("X-Onair-Event"),
                                    "delivery": self.headers.get("X-Onair-Delivery"),
                                    "content_type": self.headers.get("Content-Type"),
                                    "signature_ok": ok, "status": status, "body": parsed}) + "\n")
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *a):
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
