#!/usr/bin/env python3
"""Reads the chunk lines `LatencyProxy --trace` prints and tells how full the window was.

usage: python3 benchmarks/trace-inflight.py TRACE [ONE_WAY_MS] [SKIP_MAILS]

For each connection's mails (after the first SKIP_MAILS, default 40: the warm-up and the ramp),
two time-weighted distributions:
- in flight at the client: mails written (a chunk read from the client, with its MAIL FROM count)
  and not yet answered (the server's "queued as" replies, seen by the client ONE_WAY_MS later);
- the server's backlog: mails arrived (ONE_WAY_MS after the client wrote them) and not answered.
A client that fills its window shows the window's number most of the time; a server that has mails
waiting nearly always (backlog 0 rarely) is what bounds the burst, not the round trip.
"""
import re
import sys

LINE = re.compile(r"\s*([\d.]+) ms \S+-(up|down)\s+\d+ bytes mail=(\d+) queued=(\d+)")


def distribution(events, skip):
    sent = answered = 0
    last = None
    hist = {}
    for t, s, r in sorted(events):
        if last is not None and sent >= skip:
            hist[sent - answered] = hist.get(sent - answered, 0) + (t - last)
        sent += s
        answered += r
        last = t
    span = sum(hist.values()) or 1
    mean = sum(k * v for k, v in hist.items()) / span
    return {k: round(v / span * 100, 1) for k, v in sorted(hist.items())}, mean


def main():
    path = sys.argv[1]
    one_way = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    skip = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    client, server = [], []
    writes = mails = 0
    for line in open(path):
        m = LINE.match(line)
        if not m:
            continue
        t, way, mail, queued = float(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4))
        if way == "up":
            client.append((t, mail, 0))
            server.append((t + one_way, mail, 0))
            if mail:
                writes += 1
                mails += mail
        else:
            client.append((t + one_way, 0, queued))
            server.append((t, 0, queued))
    for name, events in (("in flight at the client", client), ("server's backlog", server)):
        hist, mean = distribution(events, skip)
        print(f"{name}: mean {mean:.2f}; % of the time by count: {hist}")
    if writes:
        print(f"{mails} mails in {writes} writes ({mails / writes:.2f} a write)")


if __name__ == "__main__":
    main()
