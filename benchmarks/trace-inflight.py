#!/usr/bin/env python3
"""Reads the chunk lines `LatencyProxy --trace` prints and tells how full the window was.

usage: python3 benchmarks/trace-inflight.py TRACE [ONE_WAY_MS] [SKIP_MAILS] [WINDOW]

For each connection's mails (after the first SKIP_MAILS, default 40: the warm-up and the ramp),
two time-weighted distributions:
- in flight at the client: mails written (a chunk read from the client, with its MAIL FROM count)
  and not yet answered (the server's "queued as" replies, seen by the client ONE_WAY_MS later);
- the server's backlog: mails arrived (ONE_WAY_MS after the client wrote them) and not answered.
A client that fills its window shows the window's number most of the time; a server that has mails
waiting nearly always (backlog 0 rarely) is what bounds the burst, not the round trip.

Then where each mail's time in the window goes (Little's law: with the window full, a mail every
(round trip + server sojourn + client turnaround) / WINDOW, default 8): the server's sojourn, from
a mail's arrival to its final reply leaving; the client's turnaround, from a final reply reaching
the client to the write of the mail that takes its place, WINDOW mails later (the proxy's read
included). And how many of the server's reply chunks left within 1 ms of a client chunk reaching
it: a server with Nagle on, whose held reply goes out with the ACK that rides on the next bytes
the proxy forwards, shows 45-70 % of them there; one whose replies nothing holds, 10-20 %.
"""
import bisect
import re
import statistics
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


def chunks(path):
    """The trace's chunks, in order: (time in ms, "up" or "down", MAIL FROMs, "queued as" replies)."""
    out = []
    for line in open(path):
        m = LINE.match(line)
        if m:
            out.append((float(m.group(1)), m.group(2), int(m.group(3)), int(m.group(4))))
    return out


def main():
    trace = chunks(sys.argv[1])
    one_way = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    skip = int(sys.argv[3]) if len(sys.argv) > 3 else 40
    client, server = [], []
    writes = mails = 0
    for t, way, mail, queued in trace:
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
    window = int(sys.argv[4]) if len(sys.argv) > 4 else 8
    cycle(trace, one_way, skip, window)


def cycle(trace, one_way, skip, window):
    written, answered, arrivals, replies = [], [], [], []
    for t, way, mail, queued in trace:
        if way == "up":
            written += [t] * mail
            arrivals.append(t + one_way)
        else:
            answered += [t] * queued
            if queued and len(answered) > skip:
                replies.append(t)
    n = min(len(written), len(answered))
    if n <= skip + window + 1:
        return
    sojourn = [answered[k] - (written[k] + one_way) for k in range(skip, n)]
    turn = [written[k + window] - (answered[k] + one_way) for k in range(skip, n - window)]
    per_mail = (answered[n - 1] - answered[skip]) / (n - 1 - skip)
    print(f"a mail every {per_mail:.2f} ms (reply to reply) = ({2 * one_way:.1f} round trip"
          f" + server sojourn {statistics.mean(sojourn):.2f} (median {statistics.median(sojourn):.2f})"
          f" + client turnaround {statistics.mean(turn):.2f} (median {statistics.median(turn):.2f})) / {window}")
    near = 0
    for t in replies:
        i = bisect.bisect_right(arrivals, t) - 1
        if i >= 0 and t - arrivals[i] < 1.0:
            near += 1
    if replies:
        print(f"{len(replies)} reply chunks, {near / len(replies) * 100:.0f} % of them within 1 ms of a client chunk reaching the server")


if __name__ == "__main__":
    main()
