#!/usr/bin/python3
"""mutate.py: every unit test fails for the bug it is about.

    mutate.py kernel/test/mutants/vm.py ...

For each mutant of a list (kernel/test/mutants/*.py: SOURCE, TEST, MUTANTS
of (name, text, bug), or (name, text, bug, test) for a mutant that another
test than TEST is about), puts the bug in place of the text in SOURCE,
rebuilds build/host/TEST (or its test), runs it, and expects it to fail (a FAIL line or
a non-zero exit, a panic included); then restores SOURCE, whatever
happens. Prints one line per mutant; exit 1 if any survived or no longer
applies (its text is gone or not unique: update the list).
"""
import os
import runpy
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(cmd):
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)


def one_list(path):
    spec = runpy.run_path(path)
    src = os.path.join(ROOT, spec["SOURCE"])
    tests = {m[3] if len(m) > 3 else spec["TEST"] for m in spec["MUTANTS"]}
    orig = open(src).read()
    bad = 0
    try:
        for name, old, new, *own in spec["MUTANTS"]:
            test = own[0] if own else spec["TEST"]
            if orig.count(old) != 1:
                print("STALE    %-34s %s: text found %d times" % (name, test, orig.count(old)))
                bad += 1
                continue
            open(src, "w").write(orig.replace(old, new))
            b = run(["make", "build/host/" + test])
            if b.returncode:
                print("STALE    %-34s %s: does not build" % (name, test))
                bad += 1
                continue
            r = run(["./build/host/" + test])
            fails = [l[5:] for l in r.stdout.splitlines() if l.startswith("FAIL")]
            if r.returncode and not fails:
                fails = ["(exit %d)" % r.returncode]
            print("%-8s %-34s %s" % ("caught" if fails else "SURVIVED", name,
                                     " ".join(fails)))
            bad += not fails
    finally:
        open(src, "w").write(orig)
        for test in sorted(tests):
            run(["make", "build/host/" + test])
    return bad


def main(paths):
    bad = sum(one_list(p) for p in paths)
    print("mutate: %s" % ("every mutant caught" if not bad else "%d not caught" % bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
