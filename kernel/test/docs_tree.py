#!/usr/bin/python3
"""docs_tree.py: docs/ARCHITECTURE.md and README's Layout match the tree.

Every source file of kernel/include, kernel/mm and kernel/test must be named
(by its stem: `pt_map` for pt_map.c) in docs/ARCHITECTURE.md, every folder
of kernel/mm in both it and README's `## Layout` section, and every file the
two name with a .c or .h under kernel/mm must exist. Exit 1 listing what
is missing or stale.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def files(top):
    for dirpath, _, names in os.walk(os.path.join(ROOT, top)):
        for n in sorted(names):
            if n.endswith((".c", ".h", ".py", ".S")):
                yield os.path.relpath(os.path.join(dirpath, n), ROOT)


def main():
    arch = open(os.path.join(ROOT, "docs/ARCHITECTURE.md")).read()
    readme = open(os.path.join(ROOT, "README.md")).read()
    layout = readme[readme.index("## Layout"):]
    layout = layout[:layout.index("\n## ", 3)] if "\n## " in layout[3:] else layout
    bad = []
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", arch))
    for f in [*files("kernel/include"), *files("kernel/mm"), *files("kernel/test")]:
        stem = os.path.splitext(os.path.basename(f))[0]
        if stem not in words:
            bad.append("ARCHITECTURE.md does not name %s" % f)
    for dirpath, dirs, _ in os.walk(os.path.join(ROOT, "kernel/mm")):
        for d in dirs:
            name = d + "/"
            if name not in arch:
                bad.append("ARCHITECTURE.md does not name folder kernel/mm/%s" % name)
            if name not in layout:
                bad.append("README Layout does not name folder kernel/mm/%s" % name)
    stems = {os.path.splitext(os.path.basename(f))[0] for f in files("kernel/mm")}
    for text, where in ((arch, "ARCHITECTURE.md"), (layout, "README Layout")):
        for m in re.findall(r"\b((?:pt|kspace|vm|mm|pmm|heap|physmap|asid|swattr|access|seed)[a-z_]*)\.[ch]\b", text):
            if m not in stems:
                bad.append("%s names %s.c/h, which is not in kernel/mm" % (where, m))
    for b in bad:
        print(b)
    print("docs_tree: %s" % ("%d problems" % len(bad) if bad else "docs match the tree"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
