#!/usr/bin/env python3
"""serve_graph.py — draws the house of src/serve from the code and
checks it: which file includes which header, and (given the built
archives) which file calls a function defined in which other file.

Fails (exit 1) when two files depend on each other, directly or round
a longer loop, or when the HTTP layer (http.c, path.c, http.h)
reaches any file of the licensing app.

Usage: serve_graph.py SRC_DIR [libts_serve_http.a libts_serve.a ...]
Without archives only the include graph is drawn and checked.
"""
import os
import re
import subprocess
import sys

HTTP_LAYER = {"http.c", "path.c", "http.h", "serve.h"}


def include_graph(src):
    graph = {}
    for name in sorted(os.listdir(src)):
        if not name.endswith((".c", ".h")):
            continue
        with open(os.path.join(src, name), encoding="utf-8") as f:
            deps = re.findall(r'^#include "serve/([^"]+)"', f.read(), re.M)
        graph[name] = sorted(set(deps))
    return graph


def call_graph(archives):
    """member .o -> set of members whose functions or data it uses."""
    defined, used = {}, {}
    for ar in archives:
        out = subprocess.run(["nm", ar], check=True, capture_output=True, text=True).stdout
        member = None
        for line in out.splitlines():
            m = re.match(r"^(\S+)\.o:$", line)
            if m:
                member = m.group(1)
                used.setdefault(member, set())
                continue
            parts = line.split()
            if member is None or len(parts) < 2:
                continue
            kind, sym = parts[-2], parts[-1]
            if kind == "U":
                used[member].add(sym)
            elif kind in "TDBR":
                defined[sym] = member
    graph = {}
    for member, syms in used.items():
        graph[member] = sorted({defined[s] for s in syms if s in defined and defined[s] != member})
    return graph


def cycles(graph):
    """Every loop, as a list of nodes (Tarjan's strongly connected components)."""
    index, low, stack, on, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, []):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def reach(graph, start):
    seen, todo = set(), [start]
    while todo:
        for w in graph.get(todo.pop(), []):
            if w not in seen:
                seen.add(w)
                todo.append(w)
    return seen


def show(title, graph):
    print(title)
    for v in sorted(graph):
        print(f"  {v:12} -> {', '.join(graph[v]) if graph[v] else '(nothing)'}")


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    bad = False
    inc = include_graph(sys.argv[1])
    show("includes (src/serve, quoted serve/ headers):", inc)
    graphs = [("include", inc)]
    if len(sys.argv) > 2:
        calls = call_graph(sys.argv[2:])
        show("calls (a file uses a function or table defined in):", calls)
        graphs.append(("call", {k + ".c": [d + ".c" for d in v] for k, v in calls.items()}))
    for kind, graph in graphs:
        for loop in cycles(graph):
            print(f"FAIL: {kind} loop between {', '.join(loop)}")
            bad = True
        for start in sorted(HTTP_LAYER & set(graph)):
            leaked = sorted(reach(graph, start) - HTTP_LAYER)
            if leaked:
                print(f"FAIL: the HTTP layer's {start} reaches {', '.join(leaked)} ({kind})")
                bad = True
    print("FAIL" if bad else "OK: no loops; the HTTP layer reaches nothing of the licensing app")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
