#!/usr/bin/env python3
"""loadmix: a steady load of mixed reads and writes on sentia over HTTP
(loopback only), for the fault-injection tests and the soak.

  loadmix.py run URL KEY SECONDS THREADS OUT [--stop FILE] [--kinds k1,k2]
      Each thread sends requests in a fixed rotation of kinds until SECONDS
      pass (or FILE exists) and appends one line per request to OUT:
      "start_ms end_ms status kind id" (times since the run started, whose
      Unix time in ms is in OUT.t0; status
      0 for no answer; id of the job or import a 202 accepted, else -).
  loadmix.py summary OUT [FROM_MS [TO_MS]]
      Requests, statuses, p50/p95/p99 in ms, for requests started in the span.
  loadmix.py select OUT FROM_MS TO_MS [KIND...]
      The lines of requests of those kinds (all when none) started in the span.
  loadmix.py failures OUT
      The start times (ms) of every failed request (status 0 or >= 500), one a line.
  loadmix.py recovery OUT EVENT_MS [KIND...]
      Milliseconds from EVENT_MS to the end of the last failed request of
      those kinds that started after EVENT_MS (0 when none failed).
  loadmix.py accepted OUT KIND
      The ids of every accepted job (KIND job) or import (KIND import).
"""
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

# The rotation: reads that need only PostgreSQL, reads that need nothing,
# and two kinds of write (a job and a small import), so every request
# class is in the mix in fixed proportions.
ROTATION = ["health", "imports_list", "job", "health", "status", "import", "data_sources", "job", "health", "job_get"]


def request(conn, kind, key, n, last_job):
    hdr = {"Authorization": "Bearer " + key}
    if kind == "health":
        conn.request("GET", "/health", headers=hdr)
    elif kind == "status":
        conn.request("GET", "/api/status", headers=hdr)
    elif kind == "imports_list":
        conn.request("GET", "/api/imports?limit=5", headers=hdr)
    elif kind == "data_sources":
        conn.request("GET", "/api/data-sources", headers=hdr)
    elif kind == "job_get":
        conn.request("GET", "/api/jobs/%s" % (last_job or 1), headers=hdr)
    elif kind == "job":
        hdr["Content-Type"] = "application/json"
        conn.request("POST", "/api/jobs", body='{"type":"diagnostic.noop"}', headers=hdr)
    elif kind == "import":
        hdr["Content-Type"] = "text/csv"
        body = "name,type,receivable_terms_days\nLoad-%d-%d,retail,30\n" % (os.getpid(), n)
        conn.request("POST", "/api/imports?type=channels&source=loadmix", body=body, headers=hdr)
    r = conn.getresponse()
    data = r.read()
    ident = "-"
    if r.status == 202 and kind in ("job", "import"):
        try:
            ident = str(json.loads(data)["id"])
        except (ValueError, KeyError):
            pass
    return r.status, ident


def worker(idx, url, key, until, stop, kinds, out, lock, t0):
    u = urllib.parse.urlsplit(url)
    conn = None
    n = idx * 1000000
    last_job = None
    rot = [k for k in ROTATION if k in kinds] or ROTATION
    i = idx
    while time.monotonic() < until and not (stop and os.path.exists(stop)):
        kind = rot[i % len(rot)]
        i += 1
        n += 1
        if conn is None:
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=20)
        s = time.monotonic()
        try:
            status, ident = request(conn, kind, key, n, last_job)
        except (OSError, http.client.HTTPException):
            status, ident = 0, "-"
            conn.close()
            conn = None
        e = time.monotonic()
        if kind == "job" and ident != "-":
            last_job = ident
        with lock:
            out.write("%d %d %d %s %s\n" % ((s - t0) * 1000, (e - t0) * 1000, status, kind, ident))
        if status == 0:
            time.sleep(0.01)


def run(args):
    url, key, secs, threads, path = args[0], args[1], float(args[2]), int(args[3]), args[4]
    stop = None
    kinds = set(ROTATION)
    rest = args[5:]
    while rest:
        if rest[0] == "--stop":
            stop = rest[1]
        elif rest[0] == "--kinds":
            kinds = set(rest[1].split(","))
        rest = rest[2:]
    lock = threading.Lock()
    t0 = time.monotonic()
    # When the run started, in Unix milliseconds, so a test can place its
    # own events (a kill, a restart) on the same time line.
    with open(path + ".t0", "w") as f:
        f.write("%d\n" % (time.time() * 1000))
    with open(path, "w", buffering=1) as out:
        ts = [threading.Thread(target=worker, args=(i, url, key, t0 + secs, stop, kinds, out, lock, t0))
              for i in range(threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()


def rows(path):
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) == 5:
                yield int(p[0]), int(p[1]), int(p[2]), p[3], p[4]


def pct(sorted_ms, q):
    if not sorted_ms:
        return 0
    return sorted_ms[min(len(sorted_ms) - 1, int(q * len(sorted_ms)))]


def summary(args):
    lo = int(args[1]) if len(args) > 1 else -1
    hi = int(args[2]) if len(args) > 2 else 1 << 62
    st = {}
    lat = []
    for s, e, status, kind, _ in rows(args[0]):
        if lo <= s <= hi:
            st[status] = st.get(status, 0) + 1
            lat.append(e - s)
    lat.sort()
    print("requests %d; by status: %s; p50 %d ms, p95 %d ms, p99 %d ms, max %d ms" % (
        len(lat), ", ".join("%s %d" % (k if k else "none", v) for k, v in sorted(st.items())),
        pct(lat, 0.50), pct(lat, 0.95), pct(lat, 0.99), lat[-1] if lat else 0))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "run":
        run(args)
    elif cmd == "summary":
        summary(args)
    elif cmd == "select":
        lo, hi, kinds = int(args[1]), int(args[2]), set(args[3:])
        for s, e, status, kind, ident in rows(args[0]):
            if lo <= s <= hi and (not kinds or kind in kinds):
                print(s, e, status, kind, ident)
    elif cmd == "failures":
        for s, e, status, kind, _ in rows(args[0]):
            if status == 0 or status >= 500:
                print(s)
    elif cmd == "recovery":
        ev = int(args[1])
        kinds = set(args[2:])
        last = ev
        for s, e, status, kind, _ in rows(args[0]):
            if s >= ev and (not kinds or kind in kinds) and (status == 0 or status >= 500):
                last = max(last, e)
        print(last - ev)
    elif cmd == "accepted":
        for s, e, status, kind, ident in rows(args[0]):
            if kind == args[1] and ident != "-":
                print(ident)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
