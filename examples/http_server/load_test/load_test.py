#!/usr/bin/env python3
"""Concurrent load test of oneid_http over loopback, from separate processes.

    load_test.py path/to/oneid_http [--people 2000] [--seconds 4] [--pairs 120]

1. Starts the server on an ephemeral port with a generated base, and checks that hostile and bad
   requests get a 4xx with a message (and that the server is still healthy afterwards), and that
   a merge of two persons retires the absorbed OneID.
2. Reads alone: wrk (read.lua) GETs OneIDs, profiles, scores, segments, triggers and explanations
   of the base for --seconds.
3. Reads during writes: the same wrk run while writer threads (this process, one HTTP connection
   each) post new accounts, orders and behaviour. Each pair of new accounts shares an email, so
   they merge into one person; the orders and browse events of a pair's two accounts are posted by
   two *different* writer threads at the same time, so two writes re-score one person concurrently:
   the case where an unserialised server loses an update.
4. Verifies that every posted account resolves, that each pair is one person, and that every
   posted order and event is counted in that person's profile (frequency, monetary_total,
   browse_count): no lost update. Then the server must still be healthy and stop cleanly.
Prints read latency p50/p99/max and throughput for both phases; exits 1 on any failure.
Uses only the standard library and the `wrk` binary (Debian's wrk).
"""
import argparse
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def fail(message):
    failures.append(message)
    print("FAIL: " + message, flush=True)


class Client:
    """One keep-alive connection; reconnects if the server closed it."""

    def __init__(self, port):
        self.port = port
        self.conn = None

    def request(self, method, path, body=None):
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                headers = {"Content-Type": "text/csv"} if body is not None else {}
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                return resp.status, data
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt == 1:
                    raise

    def json(self, method, path, body=None, expect=200):
        status, data = self.request(method, path, body)
        try:
            doc = json.loads(data)
        except ValueError:
            fail(f"{method} {path}: response is not JSON: {data[:200]!r}")
            return None
        if status != expect:
            fail(f"{method} {path}: HTTP {status}, expected {expect}: {data[:300]!r}")
            return None
        return doc


def start_server(binary, people, threads, extra):
    proc = subprocess.Popen([binary, "--port", "0", "--people", str(people), "--threads", str(threads)] + extra,
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if "listening on http://127.0.0.1:" not in line:
        proc.kill()
        sys.exit(f"the server did not start (printed {line!r})")
    return proc, int(line.rsplit(":", 1)[1])


def hostile_requests(c):
    """Bad input gets a 4xx and a JSON message, never a crash."""
    cases = [
        ("POST", "/v1/accounts", "", 400),                                    # no header at all
        ("POST", "/v1/accounts", "phone,email\n1,2\n", 400),                  # no account_id column
        ("POST", "/v1/accounts", "account_id,shoe_size\nx,42\n", 400),        # unconfigured type
        ("POST", "/v1/accounts", "\x00\xff\xfe" * 1000, 400),                 # binary garbage
        ("POST", "/v1/orders", "account_id,time\nx,2024-01-01\n", 400),       # missing channel, amount
        ("POST", "/v1/behaviour", "nonsense", 400),
        ("GET", "/v1/oneid?account_id=no-such-account", None, 404),
        ("GET", "/v1/oneid", None, 400),
        ("GET", "/v1/oneid?account_id=%FF%FE%00", None, 404),                 # invalid UTF-8 echoed back
        ("GET", "/v1/persons/0", None, 400),
        ("GET", "/v1/persons/99999999999999999999", None, 400),               # beyond 2^64
        ("GET", "/v1/persons/18446744073709551615/profile", None, 404),
        ("GET", "/v1/persons/12/nothing", None, 404),
        ("GET", "/v1/persons?limit=-1", None, 400),
        ("GET", "/v1/explain?a=no-such&b=other", None, 404),
        ("GET", "/v1/explain?a=x", None, 400),
        ("GET", "/v1/no-such-endpoint", None, 404),
    ]
    for method, path, body, expect in cases:
        c.json(method, path, body.encode("latin-1") if body is not None else None, expect=expect)
    # Rows with bad fields are reported with row, field and reason; the good row goes in.
    doc = c.json("POST", "/v1/accounts", b"account_id,source,email\nhostile:1,web,not-an-email\n"
                 b"hostile:2,web,ok.person@hostile.example\nhostile:3,web\n")
    if doc is not None:
        # CSV line 4 is ragged (rejected), line 2's email has no '@' (only that field is dropped).
        fields = {(e["row"], e["field"], e["row_rejected"]) for e in doc["errors"]}
        if (doc["rows_rejected"], doc["fields_rejected"]) != (1, 1) or fields != {(4, "(row)", True),
                                                                                 (2, "email", False)}:
            fail(f"bad account rows not reported as expected: {doc}")
    doc = c.json("POST", "/v1/orders", b"account_id,order_id,time,channel,amount\n"
                 b"hostile:2,h1,2024-05-01,tmall,10\nhostile:2,h2,2024-05-01,nowhere,10\n"
                 b"hostile:2,h3,2030-01-01,tmall,10\nghost,h4,2024-05-01,tmall,10\n")
    refit = c.json("POST", "/v1/refit", b"")
    if refit is not None and not refit["bg_nbd"]["r"] > 0:
        fail(f"refit gave no BG/NBD parameters: {refit}")
    if doc is not None and (doc["rows_accepted"] != 1 or doc["rows_rejected"] != 3 or doc["unknown_accounts"] != 1
                            or doc["after_as_of"] != 1):
        fail(f"bad order rows not reported as expected: {doc}")


def merge_check(c):
    """Two persons joined by a third account: the batch report retires the absorbed OneID, the
    survivor's record lists all three accounts, and the absorbed OneID answers for the survivor."""
    header = "account_id,source,email,member_card\n"
    first = c.json("POST", "/v1/accounts", (header + "mc:1,web,merge.check@mc.example,\n").encode())
    second = c.json("POST", "/v1/accounts", (header + "mc:2,app,,MCCARD1\n").encode())
    if first is None or second is None:
        return
    a, b = first["oneids"]["mc:1"], second["oneids"]["mc:2"]
    if a == b:
        fail(f"mc:1 and mc:2 share nothing but are one person ({a})")
        return
    third = c.json("POST", "/v1/accounts", (header + "mc:3,store,merge.check@mc.example,MCCARD1\n").encode())
    if third is None:
        return
    survivor = third["oneids"]["mc:3"]
    absorbed = b if survivor == a else a
    if third["persons_merged"] != 1 or third["touched"] != [survivor] or third["retired"] != [absorbed]:
        fail(f"merge of OneIDs {a} and {b}: report says merged {third['persons_merged']}, touched "
             f"{third['touched']}, retired {third['retired']}")
    person = c.json("GET", f"/v1/persons/{absorbed}")
    if person is not None and (person["oneid"] != survivor or person.get("requested_oneid") != absorbed
                               or sorted(person["accounts"]) != ["mc:1", "mc:2", "mc:3"]):
        fail(f"the absorbed OneID {absorbed} does not answer for survivor {survivor}: {person}")
    listed = c.json("GET", "/v1/persons?limit=100000")
    if listed is not None and absorbed in listed["oneids"]:
        fail(f"the absorbed OneID {absorbed} is still listed as a person")


def read_paths(c, count):
    """Paths over the base's persons: every read endpoint."""
    doc = c.json("GET", f"/v1/persons?limit={count}")
    paths = []
    for oneid in doc["oneids"]:
        person = c.json("GET", f"/v1/persons/{oneid}")
        accounts = person["accounts"]
        q = urllib.parse.quote(accounts[0], safe="")
        paths.append(f"/v1/oneid?account_id={q}")
        paths += [f"/v1/persons/{oneid}"] + [f"/v1/persons/{oneid}/{p}" for p in
                                              ("profile", "scores", "segments", "triggers")]
        if len(accounts) >= 2:
            a, b = (urllib.parse.quote(x, safe="") for x in (accounts[0], accounts[-1]))
            paths.append(f"/v1/explain?a={a}&b={b}")
    return paths


def run_wrk(port, paths_file, seconds, stop_event=None):
    """Runs wrk; with stop_event, until it is set (then SIGINT, which makes wrk report)."""
    cmd = ["wrk", "-t2", "-c4", f"-d{seconds}s", "-s", os.path.join(HERE, "read.lua"),
           f"http://127.0.0.1:{port}", "--", paths_file]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if stop_event is not None:
        stop_event.wait()
        proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=seconds + 60)
    for line in out.splitlines():
        if line.startswith("WRKJSON "):
            return json.loads(line[len("WRKJSON "):])
    sys.exit(f"wrk printed no summary:\n{out}")


class Writers:
    """Writer threads posting distinct new accounts, then orders and behaviour for them."""

    def __init__(self, port, pairs, threads, seconds):
        self.port, self.pairs, self.threads, self.seconds = port, pairs, threads, seconds
        self.expected = {}  # pair -> {"orders": n, "amount": x, "browse": n}
        self.posts = 0
        self.lock = threading.Lock()
        self.barrier = threading.Barrier(threads, timeout=120)

    def _post(self, client, path, body, deadline_per_post, started):
        status, data = client.request("POST", path, body.encode())
        if status != 200:
            fail(f"POST {path}: HTTP {status}: {data[:300]!r}")
            return None
        with self.lock:
            self.posts += 1
        # Spread the writes over the phase so the readers meet writes throughout.
        spare = deadline_per_post - (time.monotonic() - started)
        if spare > 0:
            time.sleep(spare)
        return json.loads(data)

    def run(self):
        group = 3  # pairs per request
        mine = [[i for i in range(self.pairs) if i % self.threads == t] for t in range(self.threads)]
        requests_per_thread = max(len(m) for m in mine) // group * 4 + 8
        per_post = self.seconds / requests_per_thread
        for i in range(self.pairs):
            self.expected[i] = {"orders": 0, "amount": 0.0, "browse": 0}
        workers = [threading.Thread(target=self._thread, args=(t, mine, group, per_post)) for t in range(self.threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()

    def _thread(self, t, mine, group, per_post):
        try:
            self._write(t, mine, group, per_post)
        except Exception as e:  # a refused connection, a dead server: the test fails, never hangs
            fail(f"writer {t}: {type(e).__name__}: {e}")
            self.barrier.abort()

    def _write(self, t, mine, group, per_post):
        client = Client(self.port)
        chunks = [mine[t][k:k + group] for k in range(0, len(mine[t]), group)]
        # 1. Accounts: first the a-accounts, then the b-accounts that share their email (a merge).
        for side in ("a", "b"):
            for chunk in chunks:
                started = time.monotonic()
                rows = "".join(f"lt:{side}{i},{'tmall' if side == 'a' else 'app'},load{i}@loadtest.example,"
                               f"{'' if side == 'a' else f'LTCARD{i}'}\n" for i in chunk)
                self._post(client, "/v1/accounts", "account_id,source,email,member_card\n" + rows, per_post, started)
        self.barrier.wait()
        # 2. Events. In step k every thread posts the a-side events of one chunk of pairs and the
        # b-side events of another thread's chunk, in an order that makes two threads write to the
        # same persons at the same moment (a barrier lines the steps up): the race in which an
        # unserialised server publishes a person's record computed before the other write.
        other = mine[(t + 1) % self.threads]
        prev = mine[(t - 1) % self.threads]
        steps = max(len(m) for m in mine) // group + 1
        for k in range(steps):
            self.barrier.wait()
            own = [(i, "a") for i in mine[t][k * group:(k + 1) * group]]
            if t % 2 == 0:
                posts = [own, [(i, "b") for i in other[k * group:(k + 1) * group]]]
            else:
                posts = [[(i, "b") for i in prev[k * group:(k + 1) * group]], own]
            for chunk in posts:
                if chunk:
                    self._post_events(client, chunk, per_post)

    def _post_events(self, client, chunk, per_post):
        started = time.monotonic()
        lines, browse = [], []
        for i, side in chunk:
            n = 1 + (i + (side == "b")) % 3
            for j in range(n):
                amount = 10 + i % 7 + j
                lines.append(f"lt:{side}{i},lt-{side}{i}-{j},2024-{1 + (i + j) % 11:02d}-{1 + j:02d}T10:00:00Z,"
                             f"{'tmall' if side == 'a' else 'app'},{amount}\n")
                with self.lock:
                    self.expected[i]["orders"] += 1
                    self.expected[i]["amount"] += amount
            browse.append(f"lt:{side}{i},2024-06-0{1 + i % 9}T09:00:00Z,{'tmall' if side == 'a' else 'app'},browse\n")
            with self.lock:
                self.expected[i]["browse"] += 1
        self._post(client, "/v1/orders", "account_id,order_id,time,channel,amount\n" + "".join(lines), per_post / 2,
                   started)
        self._post(client, "/v1/behaviour", "account_id,time,channel,kind\n" + "".join(browse), per_post / 2,
                   time.monotonic())


def verify(c, writers):
    persons = {}
    for i in range(writers.pairs):
        ids = []
        for side in ("a", "b"):
            doc = c.json("GET", f"/v1/oneid?account_id=lt:{side}{i}")
            ids.append(doc["oneid"] if doc else None)
        if None in ids:
            continue
        if ids[0] != ids[1]:
            fail(f"pair {i}: lt:a{i} and lt:b{i} share an email but are OneIDs {ids}")
            continue
        persons[i] = ids[0]
        if i < 3:
            c.json("GET", f"/v1/explain?a=lt:a{i}&b=lt:b{i}")
    lost = 0
    for i, oneid in persons.items():
        doc = c.json("GET", f"/v1/persons/{oneid}/profile")
        if doc is None:
            continue
        profile, want = doc["profile"], writers.expected[i]
        got = (profile["frequency"] if profile else 0, profile["monetary_total"] if profile else 0,
               profile["browse_count"] if profile else 0)
        if got[0] != want["orders"] or abs(got[1] - want["amount"]) > 1e-6 or got[2] != want["browse"]:
            lost += 1
            if lost <= 5:
                fail(f"pair {i} (OneID {oneid}): profile has orders/spend/browse {got}, posted "
                     f"{want['orders']}/{want['amount']}/{want['browse']}: a lost update")
    if lost:
        fail(f"{lost} of {len(persons)} persons lost an update")
    scores = c.json("GET", f"/v1/persons/{persons[0]}/scores") if persons else None
    if scores is not None and scores["scores"] is None:
        fail("a new buyer has no scores")
    return len(persons)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("server")
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--pairs", type=int, default=120)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8, help="server pool size")
    parser.add_argument("--json-out", help="write the figures here")
    parser.add_argument("--server-arg", action="append", default=[],
                        help="passed on to the server (repeatable), e.g. --server-arg=--coarse-lock")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt package wrk; scripts/setup.sh installs it)")
    # wrk's 4 connections + the writers' must fit the pool: httplib gives each connection a thread.
    if 4 + args.writers + 1 > args.threads:
        sys.exit("--threads must leave a pool thread for every connection")

    proc, port = start_server(args.server, args.people, args.threads, args.server_arg)
    try:
        c = Client(port)
        health = c.json("GET", "/v1/health")
        print(f"server on port {port}: {health['persons']} persons, {health['accounts']} accounts", flush=True)
        hostile_requests(c)
        merge_check(c)
        paths = read_paths(c, 300)
        with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False) as f:
            f.write("\n".join(paths) + "\n")
            paths_file = f.name

        alone = run_wrk(port, paths_file, int(args.seconds))
        writers = Writers(port, args.pairs, args.writers, args.seconds)
        stop = threading.Event()
        result = {}
        reader = threading.Thread(target=lambda: result.update(run_wrk(port, paths_file, 120, stop)))
        reader.start()
        time.sleep(0.2)  # wrk connected and reading before the first write
        t0 = time.monotonic()
        writers.run()
        write_seconds = time.monotonic() - t0
        stop.set()
        reader.join()
        os.unlink(paths_file)

        checked = verify(c, writers)
        health = c.json("GET", "/v1/health")
        for name, r in (("reads alone", alone), ("reads during writes", result)):
            errors = r["errors_status"] + r["errors_connect"] + r["errors_read"] + r["errors_write"] + r["errors_timeout"]
            if errors:
                fail(f"{name}: {errors} failed reads ({r})")
            if r["requests"] == 0:
                fail(f"{name}: no reads completed")
        print(f"{'phase':<22}{'reads':>9}{'reads/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
        for name, r in (("reads alone", alone), ("reads during writes", result)):
            rate = r["requests"] / (r["duration_us"] / 1e6)
            print(f"{name:<22}{r['requests']:>9}{rate:>10.0f}{r['p50_us'] / 1e3:>9.2f}{r['p99_us'] / 1e3:>9.2f}"
                  f"{r['max_us'] / 1e3:>9.2f}")
        print(f"writes: {writers.posts} posts in {write_seconds:.1f} s by {args.writers} writer connections; "
              f"server side: write {health['write_ms_mean']:.2f} ms mean, {health['write_ms_max']:.2f} ms max; "
              f"resolver held exclusively {health['exclusive_ms_mean']:.3f} ms mean, "
              f"{health['exclusive_ms_max']:.3f} ms max", flush=True)
        if not failures:
            print(f"verified: {2 * checked} posted accounts resolve, {checked} merged persons count every posted "
                  f"order and event", flush=True)
        if args.json_out:
            with open(args.json_out, "w") as f:
                json.dump({"alone": alone, "during_writes": result, "health": health, "posts": writers.posts,
                           "write_seconds": write_seconds}, f, indent=1)
        if checked != args.pairs:
            fail(f"only {checked} of {args.pairs} pairs resolved to one person")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = "killed"
    if rc != 0:
        fail(f"the server did not stop cleanly (exit {rc})")
    print("load test: " + ("PASS" if not failures else f"FAIL ({len(failures)} failures)"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
