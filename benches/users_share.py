#!/usr/bin/env python3
"""How much of a generated response the records read on demand take.

Prints the share of the bytes (re-serialised compactly, as the generator
writes them) held by the users nested in task instances and by the copy of
the run inside each task instance: the records `model::Lazy` keeps as text.

    cargo run --release --example generate -- 1000 layered 97 > run.json
    python3 benches/users_share.py run.json
"""

import json
import sys


def size(value):
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


def lazy_bytes(value):
    users = run_copy = 0
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            for key, x in v.items():
                if key in ("created_by", "modified_by", "owner") and isinstance(x, dict):
                    users += size(x)
                elif key == "pipelinerun" and isinstance(x, dict):
                    run_copy += size(x)
                else:
                    stack.append(x)
        elif isinstance(v, list):
            stack.extend(v)
    return users, run_copy


doc = json.load(open(sys.argv[1], encoding="utf-8-sig"))
run = doc.get("pipelinerun", doc)
total = size(doc)
users = run_copy = 0
for instance in run.get("pipelinetaskinstances", []):
    u, r = lazy_bytes(instance)
    users += u
    run_copy += r
print(f"{total} bytes; users below the run {users / total:.1%}, run copies {run_copy / total:.1%}")
