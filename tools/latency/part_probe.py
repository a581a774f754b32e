#!/usr/bin/env python3
"""Publish-to-availability of every LL-HLS part, without a browser.

    tools/latency/part_probe.py URL [--seconds 30] [--json]

URL is a media playlist with EXT-X-PART (ours: .../live/<channel>/src/index.m3u8,
directly or through edges and the load balancer). The probe follows the
stream as an LL-HLS player does: it asks for the part the preload hint names
with a blocking reload (_HLS_msn, _HLS_part), and notes the wall time the
answer that lists it arrived. A part's publish time is when its first frame
reached the ingest: the segment's EXT-X-PROGRAM-DATE-TIME (the ingest's
receive time of the segment's first packet) plus the durations of the parts
before it. For each part:

    availability = answer time - (publish time + part duration)

the time from the moment its last frame was published (the part cannot
exist before) to the moment a player learns it exists; plus its whole
age (answer time - publish time of its first frame). The clocks are the
same machine's, or NTP-synchronised ones. Prints a summary (median, p95,
max, count) and, with --json, one JSON line.
"""
import argparse
import json
import re
import statistics
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime

PART = re.compile(r'#EXT-X-PART:(.*)')
ATTR = re.compile(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)')


def attrs(text):
    return {k: v.strip('"') for k, v in ATTR.findall(text)}


def parse(text):
    """[(msn, index, pdt_ms + offset_ms, duration_ms)] of every listed part, and the hint (msn, index)."""
    parts, hint = [], None
    seg_pdt = None  # every segment of ours has its PROGRAM-DATE-TIME
    offset = 0.0
    for line in text.splitlines():
        if line.startswith('#EXT-X-PROGRAM-DATE-TIME:'):
            v = line.split(':', 1)[1].replace('Z', '+00:00')
            seg_pdt = datetime.fromisoformat(v).timestamp() * 1000.0
            offset = 0.0
        elif line.startswith('#EXT-X-PART:'):
            a = attrs(line.split(':', 1)[1])
            d = float(a['DURATION']) * 1000.0
            m = re.search(r'-(\d+)\.(\d+)\.m4s$', a['URI'])
            if m and seg_pdt is not None:
                parts.append((int(m.group(1)), int(m.group(2)), seg_pdt + offset, d))
            offset += d
        elif line.startswith('#EXT-X-PRELOAD-HINT:'):
            m = re.search(r'-(\d+)\.(\d+)\.m4s"', line)
            if m:
                hint = (int(m.group(1)), int(m.group(2)))
    return parts, hint


def get(url, timeout=15):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode('utf-8')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('url')
    ap.add_argument('--seconds', type=float, default=30)
    ap.add_argument('--json', action='store_true')
    o = ap.parse_args()
    sep = '&' if '?' in o.url else '?'
    try:
        text = get(o.url)
    except (urllib.error.URLError, OSError) as e:
        print(f'part_probe: {o.url}: {e}', file=sys.stderr)
        return 2
    if '#EXT-X-PART-INF' not in text:
        print(f'part_probe: {o.url} is not an LL-HLS playlist (no EXT-X-PART-INF)', file=sys.stderr)
        return 2
    seen = {p[:2] for p in parse(text)[0]}
    avail, age, errors = [], [], 0
    end = time.time() + o.seconds
    while time.time() < end:
        _, hint = parse(text)
        if hint is None:
            print('part_probe: no EXT-X-PRELOAD-HINT', file=sys.stderr)
            return 1
        try:
            text = get(f'{o.url}{sep}_HLS_msn={hint[0]}&_HLS_part={hint[1]}')
        except (urllib.error.URLError, OSError):
            errors += 1
            time.sleep(0.1)
            text = get(o.url)
            continue
        now = time.time() * 1000.0
        for msn, index, start, dur in parse(text)[0]:
            if (msn, index) in seen:
                continue
            seen.add((msn, index))
            # Only the parts this answer newly listed were learnt now.
            avail.append(now - (start + dur))
            age.append(now - start)
    if not avail:
        print('part_probe: no part seen', file=sys.stderr)
        return 1
    q = lambda v, p: sorted(v)[min(len(v) - 1, int(p * (len(v) - 1) + 0.5))]
    out = {'url': o.url, 'parts': len(avail), 'errors': errors,
           'availability_ms': {'median': round(statistics.median(avail), 1), 'p95': round(q(avail, 0.95), 1),
                               'max': round(max(avail), 1), 'min': round(min(avail), 1)},
           'age_ms': {'median': round(statistics.median(age), 1), 'p95': round(q(age, 0.95), 1)}}
    if o.json:
        print(json.dumps(out))
    else:
        a = out['availability_ms']
        print(f"{out['parts']} parts: published -> listed median {a['median']} ms, p95 {a['p95']} ms, "
              f"max {a['max']} ms; first frame -> listed median {out['age_ms']['median']} ms")
    return 0


if __name__ == '__main__':
    sys.exit(main())
