#!/usr/bin/env python3
"""A rough, dependency-free comparison for machines without hyperfine or the kernel corpus.

Times GNU grep -E, an older minigrep build and the current one on CORPUS (default: every
*.h file under /usr/include, concatenated), interleaving the three commands 11 times and
printing the median (and fastest) wall time of each, output into a pipe.
`bench/compare.sh` is the real benchmark; this exists because a shared, loaded machine is
no place for it.

Usage: bench/quick-compare.py NEW_MINIGREP OLD_MINIGREP [CORPUS]
"""
import os
import statistics
import subprocess
import sys
import time

if len(sys.argv) < 3:
    sys.exit(__doc__)
new, old = sys.argv[1], sys.argv[2]
corpus = sys.argv[3] if len(sys.argv) > 3 else "/tmp/minigrep-include-corpus.txt"
if not os.path.exists(corpus):
    with open(corpus, "wb") as out:
        files = subprocess.run(["find", "/usr/include", "-name", "*.h", "-type", "f", "-print0"],
                               capture_output=True, check=True).stdout.split(b"\0")
        for name in sorted(f for f in files if f):
            with open(name, "rb") as header:
                out.write(header.read())
cases = [("literal `EXPORT_SYMBOL`", ["EXPORT_SYMBOL"]), ("`-i spin_lock_irqsave`", ["-i", "spin_lock_irqsave"]),
         ("`(struct|union) [a-z_]+_(ops|info) \\{`", [r"(struct|union) [a-z_]+_(ops|info) \{"]),
         ("inner literal `[a-z_]+_(lock|unlock)\\(`", [r"[a-z_]+_(lock|unlock)\("]), ("`-v -c the`", ["-v", "-c", "the"]),
         ("rare `PM_RESUME`", ["PM_RESUME"])]
env = {"LC_ALL": "C.UTF-8"}
def once(cmd):
    t = time.perf_counter(); subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env); return time.perf_counter() - t
print(f"load before: {os.getloadavg()}")
print("| search | GNU grep 3.8 -E: median (min), s | old minigrep, s | new minigrep, s | new / GNU: median (min) | same output as GNU |")
print("|---|---:|---:|---:|---:|---|")
for name, args in cases:
    cmds = {"gnu": ["/usr/bin/grep", "-E", *args, corpus], "old": [old, "-E", *args, corpus], "new": [new, "-E", *args, corpus]}
    times = {k: [] for k in cmds}
    for _ in range(11):
        for k, c in cmds.items(): times[k].append(once(c))
    med = {k: statistics.median(v) for k, v in times.items()}; mn = {k: min(v) for k, v in times.items()}
    same = subprocess.run(cmds["gnu"], capture_output=True, env=env).stdout == subprocess.run(cmds["new"], capture_output=True, env=env).stdout
    cell = lambda k: f"{med[k]:.3f} ({mn[k]:.3f})"
    print(f"| {name} | {cell('gnu')} | {cell('old')} | {cell('new')} | {med['new']/med['gnu']:.2f}x ({mn['new']/mn['gnu']:.2f}x) | {'yes' if same else 'NO'} |")
print(f"load after: {os.getloadavg()}")
