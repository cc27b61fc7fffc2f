"""A second, independent reading of SPEC.md section 4, compared with the CLI.

    cargo build --release
    python3 scripts/spec_check.py target/release/dataprep-lineage [SEED] [CASES]

Writes random small job summaries (1-12 stages: 17-digit ids, ids written as
numbers, digit-only ids of equal value such as "7" and "007", non-digit ids,
duplicate instances, mapper ids with no instance, stages missing from the
mappers, every trigger rule in either case and unknown ones, timestamps as
numbers, whole floats, digit strings, RFC 3339 text and unreadable text, every
status, also as a digit string or a whole float), works
out the answers from the spec's text alone in plain Python, and compares them
with `order`, `why`, `why --stage` and `critical-path --format json`: order
and levels, root causes and what each blocks, run causes, culprits and the
length of each trace, durations, earliest finish, slack, makespan, critical
path, observed chain and waits. A mismatching input is kept in the temporary
directory and named. Not run by CI (it needs the release binary and takes a
minute); run it after changing an analysis.

It shares no code with the crate, so a misreading of the spec in one shows as
a mismatch; where the spec leaves a choice, the comments say which the README
made.
"""
import datetime
import heapq
import json
import os
import random
import re
import subprocess
import sys
import tempfile

BIN = sys.argv[1]
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 1
COUNT = int(sys.argv[3]) if len(sys.argv) > 3 else 200
WORK = tempfile.mkdtemp(prefix="spec_check-")

PROPAGATE = {"ALL_SUCCESS", "NONE_FAILED", "NONE_FAILED_MIN_ONE_SUCCESS", "NONE_FAILED_OR_SKIPPED"}
IF_NONE_SUCCEEDED = {"ONE_SUCCESS", "ALL_DONE_MIN_ONE_SUCCESS"}
NEVER = {"ALL_DONE", "ALL_DONE_SETUP_SUCCESS", "ALL_FAILED", "ONE_FAILED", "ONE_DONE",
         "NONE_SKIPPED", "ALL_SKIPPED", "ALWAYS", "DUMMY"}
RULES = sorted(PROPAGATE | IF_NONE_SUCCEEDED | NEVER)


def idkey(i):
    if re.fullmatch(r"[0-9]+", i):
        return (0, int(i), i.encode())
    return (1, 0, i.encode())


def status(v):
    """A number, a whole float or a digit string, as an integer; else None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return int(v) if v.is_integer() else None
    if isinstance(v, str) and re.fullmatch(r"-?[0-9]+", v):
        return int(v)
    return None


def ts(v):
    """Epoch milliseconds as status() reads them, or RFC 3339 text."""
    if not isinstance(v, str) or re.fullmatch(r"-?[0-9]+", v):
        return status(v)
    try:
        d = datetime.datetime.fromisoformat(v.replace("Z", "+00:00"))
        return int(d.timestamp() * 1000)  # whole ms in our generator
    except ValueError:
        return None


def gen(rng):
    n = rng.randint(1, 12)
    pool = [str(14057000007000000 + rng.randint(0, 40) * 100) for _ in range(n)]
    if rng.random() < 0.2:
        pool.append("7")
        pool.append("007")
    if rng.random() < 0.2:
        pool.append("stage-x")
        pool.append("Stage-y")
    ids = [rng.choice(pool) for _ in range(n)]
    base = 1795847400000

    def tval(t):
        r = rng.random()
        if r < 0.45:
            return t
        if r < 0.5:
            return float(t)
        if r < 0.8:
            return str(t)
        if r < 0.9:
            return datetime.datetime.fromtimestamp(t / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
        return "soon"

    stages = []
    for i in ids:
        st = rng.choice([1, 1, 1, 0, 2, -1, -1, -2, -3, 7])
        r = rng.random()
        written = st if r < 0.7 else str(st) if r < 0.9 else float(st)
        t = {"id": int(i) if re.fullmatch(r"[1-9][0-9]*", i) and rng.random() < 0.15 else i, "execution_status": written}
        task = {"id": str(int(9e16) + rng.randint(0, 10**6)), "name": "stage " + i, "type": 20}
        r = rng.random()
        if r < 0.6:
            task["trigger_rule"] = rng.choice(RULES)
            if rng.random() < 0.2:
                task["trigger_rule"] = task["trigger_rule"].lower()
        elif r < 0.7:
            task["trigger_rule"] = "SOMETIMES"
        t["pipelinetask"] = task
        s = base + rng.randint(0, 100) * 1000
        c = s + rng.randint(-5, 100) * 1000
        for key, val in (("created_time", s - 1000), ("start_time", s), ("completion_time", c)):
            if rng.random() < 0.85:
                t[key] = tval(val)
        stages.append(t)
    mappers = {}
    keys = list(dict.fromkeys(ids))
    rng.shuffle(keys)
    # a DAG over a random order of the keys (plus unknown ids)
    order = keys[:]
    for k, child in enumerate(order):
        if rng.random() < 0.1:
            continue  # missing from mappers
        parents = []
        for p in order[:k]:
            if rng.random() < 0.35:
                parents.append(p)
        if rng.random() < 0.1:
            parents.append("99999" + str(rng.randint(0, 3)))
        if parents and rng.random() < 0.1:
            parents.append(parents[0])
        mappers[child] = parents
    run = {"id": "14057000007000000", "execution_status": rng.choice([1, -1, -2, -3, 0]),
           "created_time": base - rng.randint(0, 5) * 1000,
           "pipelinetaskinstancemappers": mappers, "pipelinetaskinstances": stages}
    if rng.random() < 0.5:
        run["modified_time"] = base + rng.randint(0, 300) * 1000
    if rng.random() < 0.5:
        run["completion_time"] = base + rng.randint(0, 300) * 1000
    return {"pipelinerun": run, "response_status": {"status": "success", "status_code": 0}}


def analyse(doc):
    run = doc["pipelinerun"]
    st = {}
    order_in = []
    for t in run["pipelinetaskinstances"]:
        t = dict(t, id=str(t["id"]))
        if t["id"] in st:
            continue
        tr = t.get("pipelinetask", {}).get("trigger_rule")
        tr = tr.upper() if isinstance(tr, str) else "ALL_SUCCESS"
        if tr not in PROPAGATE | IF_NONE_SUCCEEDED | NEVER:
            tr = "ALL_SUCCESS"
        st[t["id"]] = dict(status=status(t.get("execution_status")), rule=tr,
                           created=ts(t.get("created_time")), start=ts(t.get("start_time")),
                           completion=ts(t.get("completion_time")))
        order_in.append(t["id"])
    parents = {i: set() for i in st}
    for child, ps in run["pipelinetaskinstancemappers"].items():
        for x in [child] + ps:
            if x not in st:
                st[x] = dict(status=None, rule="ALL_SUCCESS", created=None, start=None, completion=None)
                parents[x] = set()
        parents[child] |= set(ps)
    children = {i: set() for i in st}
    for c, ps in parents.items():
        for p in ps:
            children[p].add(c)
    indeg = {i: len(parents[i]) for i in st}
    heap = [(idkey(i), i) for i in st if indeg[i] == 0]
    heapq.heapify(heap)
    order = []
    while heap:
        _, i = heapq.heappop(heap)
        order.append(i)
        for c in children[i]:
            indeg[c] -= 1
            if indeg[c] == 0:
                heapq.heappush(heap, (idkey(c), c))
    assert len(order) == len(st), "cycle in generator"
    pos = {i: k for k, i in enumerate(order)}
    level = {}
    for i in order:
        level[i] = 0 if not parents[i] else 1 + max(level[p] for p in parents[i])

    failed = lambda i: st[i]["status"] in (-1, -2, -3)
    culprits = {}
    for i in order:
        s = st[i]
        if s["status"] == 1:
            culprits[i] = set()
            continue
        B = [p for p in parents[i] if failed(p) or culprits[p]]
        rule = s["rule"]
        prop = rule in PROPAGATE or (rule in IF_NONE_SUCCEEDED and not any(st[p]["status"] == 1 for p in parents[i]))
        if B and prop:
            u = set()
            for p in B:
                u |= culprits[p] if culprits[p] else {p}
            culprits[i] = u
        elif failed(i):
            culprits[i] = {i}
        else:
            culprits[i] = set()
    roots = [i for i in order if i in culprits[i]]

    def desc(r):
        seen, stack = set(), [r]
        while stack:
            x = stack.pop()
            for c in children[x]:
                if c not in seen:
                    seen.add(c)
                    stack.append(c)
        return seen
    blocked = {r: [i for i in order if i in desc(r) and r in culprits[i]] for r in roots}

    # critical path
    times = []
    for k in ("created_time", "modified_time", "completion_time"):
        v = ts(run.get(k))
        if v is not None:
            times.append(v)
    seen_ids = set()
    for t in run["pipelinetaskinstances"]:
        t = dict(t, id=str(t["id"]))
        # README choice: a duplicate instance is no stage and does not count.
        if t["id"] in seen_ids:
            continue
        seen_ids.add(t["id"])
        for k in ("created_time", "start_time", "completion_time"):
            v = ts(t.get(k))
            if v is not None:
                times.append(v)
    latest = max(times) if times else None

    def dur(i):
        s = st[i]
        if s["status"] == 0:
            if s["start"] is not None and latest is not None:
                return max(0, latest - s["start"])
            return 0
        if s["start"] is not None and s["completion"] is not None and s["completion"] >= s["start"]:
            return s["completion"] - s["start"]
        return 0
    EF = {}
    for i in order:
        EF[i] = max([EF[p] for p in parents[i]], default=0) + dur(i)
    makespan = max(EF.values(), default=0)
    path = []
    if order:
        end = min(order, key=lambda i: (-EF[i], pos[i]))
        path = [end]
        while parents[path[-1]]:
            path.append(min(parents[path[-1]], key=lambda p: (-EF[p], pos[p])))
        path.reverse()
    LF = {}
    for i in reversed(order):
        LF[i] = min([LF[c] - dur(c) for c in children[i]], default=makespan)
    slack = {i: LF[i] - EF[i] for i in order}
    # observed chain
    # README choice: the chain steps back only to parents that are themselves
    # not running and have a completion time.
    ok = lambda i: st[i]["status"] != 0 and st[i]["completion"] is not None
    cands = [i for i in order if ok(i)]
    obs = []
    if cands:
        cur = min(cands, key=lambda i: (-st[i]["completion"], pos[i]))
        obs = [cur]
        while True:
            ps = [p for p in parents[cur] if ok(p)]
            if not ps:
                break
            cur = min(ps, key=lambda p: (-st[p]["completion"], pos[p]))
            obs.append(cur)
        obs.reverse()
    waits = []
    for k, i in enumerate(obs):
        prev = ts(run.get("created_time")) if k == 0 else st[obs[k - 1]]["completion"]
        s = st[i]["start"]
        waits.append(None if prev is None or s is None else s - prev)
    kinds = []
    rs = status(run.get("execution_status"))
    if rs == -2:
        kinds.append("stopped")
    if rs == -3:
        kinds.append("killed")
    if rs == -1 and not roots:
        kinds.append("unexplained")
    return dict(kinds=kinds, order=order, levels=level, roots=roots, blocked=blocked, makespan=makespan,
                path=path, durations={i: dur(i) for i in order}, EF=EF, slack=slack,
                observed=obs, waits=waits, culprits=culprits, parents=parents)


def cli(args, path):
    p = subprocess.run([BIN] + args + [path, "--format", "json", "-q"], capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{args} rc {p.returncode}: {p.stderr}")
    return json.loads(p.stdout)


def check(doc, path):
    want = analyse(doc)
    o = cli(["order"], path)
    assert o["order"] == want["order"], ("order", o["order"], want["order"])
    assert o["levels"] == want["levels"], ("levels", o["levels"], want["levels"])
    w = cli(["why"], path)
    got_roots = [r["id"] for r in w["root_causes"]]
    assert got_roots == want["roots"], ("roots", got_roots, want["roots"])
    for r in w["root_causes"]:
        assert r["blocked"] == want["blocked"][r["id"]], ("blocked", r["id"], r["blocked"], want["blocked"][r["id"]])
    got_kinds = [k["kind"] for k in w["run_causes"]]
    assert got_kinds == want["kinds"], ("run causes", got_kinds, want["kinds"])
    c = cli(["critical-path"], path)
    assert c["makespan_ms"] == want["makespan"], ("makespan", c["makespan_ms"], want["makespan"])
    assert c["path"] == want["path"], ("path", c["path"], want["path"])
    for s in c["stages"]:
        i = s["id"]
        assert s["duration_ms"] == want["durations"][i], ("dur", i, s, want["durations"][i])
        assert s["earliest_finish_ms"] == want["EF"][i], ("EF", i, s)
        assert s["slack_ms"] == want["slack"][i], ("slack", i, s, want["slack"][i])
    assert c["observed"]["path"] == want["observed"], ("observed", c["observed"], want["observed"])
    assert c["observed"]["waits_ms"] == want["waits"], ("waits", c["observed"], want["waits"])
    # traces: culprits and shortest paths
    for i in want["order"][:4]:
        t = cli(["why", "--stage", i], path)
        got = {x["id"]: x["path"] for x in t["culprits"]}
        assert set(got) == want["culprits"][i], ("culprits", i, got, want["culprits"][i])
        for cul, p in got.items():
            assert p[0] == cul and p[-1] == i, ("trace ends", p)
            for a, b in zip(p, p[1:]):
                assert a in want["parents"][b], ("trace edge", p)
            # shortest
            dist = {cul: 0}
            frontier = [cul]
            kids = {}
            for ch, ps in want["parents"].items():
                for q in ps:
                    kids.setdefault(q, []).append(ch)
            while frontier:
                nxt = []
                for x in frontier:
                    for ch in kids.get(x, []):
                        if ch not in dist:
                            dist[ch] = dist[x] + 1
                            nxt.append(ch)
                frontier = nxt
            assert len(p) - 1 == dist[i], ("trace length", p, dist[i])


rng = random.Random(SEED)
fails = 0
for k in range(COUNT):
    doc = gen(rng)
    path = os.path.join(WORK, "case.json")
    with open(path, "w") as f:
        json.dump(doc, f)
    try:
        check(doc, path)
    except AssertionError as e:
        fails += 1
        keep = os.path.join(WORK, f"mismatch-{SEED}-{k}.json")
        with open(keep, "w") as f:
            json.dump(doc, f, indent=1)
        print("MISMATCH", keep, str(e)[:600])
        if fails > 5:
            break
print("cases", k + 1, "mismatches", fails)
sys.exit(1 if fails else 0)
