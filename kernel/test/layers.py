#!/usr/bin/python3
"""layers.py: proves that no link-level cycle joins core source files.

Reads the symbol tables of the host objects (`nm -P`) under the given
folders, draws an edge a.o -> b.o for every symbol a.o uses (U) that b.o
defines (an upper-case type: T, D, B, R, C, ...), finds the strongly
connected components (Tarjan) and fails if any holds more than one object
or an object that depends on itself through others. Prints the layers,
lowest first: each object only depends on objects in earlier layers.

    layers.py [--quiet] [--allow-cycle=PREFIX] OBJ...
        check the objects (files, or folders searched for *.o); a cycle
        all of whose objects start with PREFIX is printed as KNOWN and does
        not fail (a module whose owner has yet to untangle it); any other
        cycle fails
    layers.py --selftest             the checker finds a planted cycle

Exit status 0: no cycle; 1: a cycle (each printed with the symbols that
close it); 2: no objects found.
"""
import os
import subprocess
import sys


def symbols(obj):
    """(defined, undefined) global symbol names of one object file."""
    out = subprocess.run(["nm", "-P", obj], check=True, capture_output=True,
                         text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name, kind = parts[0], parts[1]
        if kind == "U":
            undefined.add(name)
        elif kind.isupper():
            defined.add(name)
    return defined, undefined


def graph(objs):
    """{obj: {dep_obj: [symbols]}} over the objects given as
    {obj: (defined, undefined)}."""
    owner = {}
    for obj, (defined, _) in objs.items():
        for s in defined:
            owner.setdefault(s, obj)
    g = {obj: {} for obj in objs}
    for obj, (_, undefined) in objs.items():
        for s in sorted(undefined):
            dep = owner.get(s)
            if dep is not None and dep != obj:
                g[obj].setdefault(dep, []).append(s)
    return g


def sccs(g):
    """Tarjan's strongly connected components, iterative, in reverse
    topological order (a component comes after everything it uses)."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = 0
    for root in sorted(g):
        if root in index:
            continue
        work = [(root, iter(sorted(g[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(g[w]))))
                    advanced = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(sorted(comp))
    return out


def layers(g):
    """Objects by depth: layer 0 uses nothing here, layer n uses layer < n."""
    depth = {}

    def d(v, seen=()):
        if v not in depth:
            depth[v] = 1 + max((d(w, seen + (v,)) for w in g[v]), default=-1)
        return depth[v]
    for v in g:
        d(v)
    out = {}
    for v, n in depth.items():
        out.setdefault(n, []).append(v)
    return [sorted(out[n]) for n in sorted(out)]


def report(g, quiet=False, name=lambda o: o, allow=None):
    cycles = [c for c in sccs(g) if len(c) > 1]
    known = [c for c in cycles
             if allow and all(name(o).startswith(allow) for o in c)]
    for c in cycles:
        print("%s between %d objects:" % ("KNOWN cycle" if c in known
                                          else "CYCLE", len(c)))
        for a in c:
            for b in c:
                if b in g[a]:
                    print("  %s -> %s  (%s)" % (name(a), name(b),
                                                ", ".join(g[a][b][:4])))
    if len(cycles) > len(known):
        return 1
    edges = sum(len(v) for v in g.values())
    if not quiet and not cycles:
        for n, layer in enumerate(layers(g)):
            print("  layer %d: %s" % (n, " ".join(name(o) for o in layer)))
    print("layers: %d objects, %d edges, %s" % (
        len(g), edges, "no cycle" if not cycles else
        "no cycle outside %s (%d known there)" % (allow, len(known))))
    return 0


def selftest():
    """A planted cycle must be found, a DAG must pass."""
    dag = {"a": (set(["fa"]), set(["fb"])), "b": (set(["fb"]), set(["fc"])),
           "c": (set(["fc"]), set(["printf"]))}
    cyc = dict(dag)
    cyc["c"] = (set(["fc"]), set(["fa"]))       # c uses a: a -> b -> c -> a
    ok_dag = report(graph(dag), quiet=True) == 0
    ok_cyc = report(graph(cyc), quiet=True) == 1
    print("selftest: dag %s, cycle %s" % ("passes" if ok_dag else "FAILS",
                                          "found" if ok_cyc else "MISSED"))
    return 0 if ok_dag and ok_cyc else 1


def main(argv):
    quiet = "--quiet" in argv
    allow = None
    for a in argv:
        if a.startswith("--allow-cycle="):
            allow = a.split("=", 1)[1]
    argv = [a for a in argv if a != "--quiet" and not a.startswith("--allow")]
    if argv == ["--selftest"]:
        return selftest()
    objs = {}
    for top in argv:
        if os.path.isfile(top):
            objs[top] = symbols(top)
        for dirpath, _, files in os.walk(top):
            for f in sorted(files):
                if f.endswith(".o"):
                    p = os.path.join(dirpath, f)
                    objs[p] = symbols(p)
    if not objs:
        print("layers: no objects under %s" % " ".join(argv))
        return 2
    prefix = os.path.commonpath(list(objs))

    def name(o):
        return os.path.relpath(o, prefix).replace(".c.o", ".c")
    return report(graph(objs), quiet, name, allow)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
