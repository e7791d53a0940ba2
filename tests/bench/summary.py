#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""summary.py NAME XEN KERNEL FILE SERIAL: one configuration of make bench
(tests/bench.sh) as a Markdown section: min / median / max per path, the
ratios against their targets, whether every path got the same answer from
Xen, and the memory one reload takes from dom0."""
import errno
import re
import statistics
import sys

name, xen, kernel, src, serial = sys.argv[1:6]
PATHS = {
    "a": "write(reload, \"1\")",
    "b": "reference: request_firmware_direct + hypercall + release (its sysfs write)",
    "c": "write(/dev/cpu/microcode, blob in memory)",
    "d": "reference: bare hypercall on the same buffer (its device write)",
    "e": "xen-ucode FILE (whole command)",
    "f": "insmod microcode_xen.ko, update at load (whole command)",
}
ms, verdicts, kns = {}, {}, {}
size, mem, checks, objs = None, {}, [], {}
for line in open(serial, errors="replace"):
    line = line.rstrip("\n")
    f = line.split()
    if line.startswith("@@t ") and len(f) == 5:
        path, rnd, t, v = f[1], int(f[2]), f[3], f[4]
        if rnd == 0 or t == "none":
            continue            # round 0 warms the caches up
        ms.setdefault(path, []).append((rnd, float(t)))
        if v == "OK":
            v = "0"
        elif v.startswith("E") and hasattr(errno, v):
            v = str(-getattr(errno, v))
        verdicts.setdefault(path, set()).add(v)
    elif line.startswith("@@k ") and len(f) == 5:
        kns.setdefault(f[1], []).append((int(f[3]), int(f[4])))
    elif line.startswith("@@size "):
        size = int(f[1])
    elif line.startswith("@@obj ") and len(f) == 4:
        o = objs.setdefault(f[1], {})
        o[f[2]] = o.get(f[2], 0) + int(f[3])
    elif line.startswith("@@mem ") and len(f) == 5:
        mem[f[1]] = dict(kv.split("=") for kv in f[2:])
    elif line.startswith("not ok"):
        checks.append(line)


def cls(v):
    # Xen 4.17 and 4.18 answer a failed apply with -EBUSY or -EIO, whichever
    # CPU's error comes last: one verdict.
    return "-5|-16" if xen in ("4.17", "4.18") and v in ("-5", "-16") else v


def med(p):
    return statistics.median(t for _, t in ms[p]) if p in ms else float("nan")


def paired(p, q):
    a, b = dict(ms.get(p, [])), dict(ms.get(q, []))
    r = [a[i] / b[i] for i in a if i in b and b[i] > 0]
    return statistics.median(r) if r else float("nan")


print(f"\n### {name}: dom0 {kernel} on Xen {xen}, {src} ({size} bytes)\n")
print("| path | | rounds | min ms | median ms | max ms | Xen's answer |")
print("|---|---|---|---|---|---|---|")
for p, what in PATHS.items():
    t = sorted(x for _, x in ms.get(p, []))
    if not t:
        print(f"| {p} | {what} | 0 | | | | {','.join(sorted(verdicts.get(p, [])))} |")
        continue
    print(f"| {p} | {what} | {len(t)} | {t[0]:.2f} | {statistics.median(t):.2f} | "
          f"{t[-1]:.2f} | {','.join(sorted(verdicts.get(p, [])))} |")
all_v = {cls(v) for vs in verdicts.values() for v in vs}
print(f"\nSame answer from Xen on every path: **{'yes' if len(all_v) == 1 else 'NO'}** "
      f"({', '.join(sorted(all_v))})\n")
def least(p):
    return min(t for _, t in ms[p]) if p in ms else float("nan")


# Noise from a shared host only adds time: the minima are the steadiest.
print("| ratio | ratio of minima | median of per-round ratios | ratio of medians | target |")
print("|---|---|---|---|---|")
for p, q, target in (("a", "b", "≤ 1.05"), ("c", "d", "≤ 1.2 (3.3 MB)"),
                     ("a", "e", "≤ 0.05 (44 KB)"), ("c", "a", "—"), ("f", "a", "—")):
    print(f"| {p} / {q} | {least(p) / least(q):.3f} | {paired(p, q):.3f} | "
          f"{med(p) / med(q):.3f} | {target} |")
for p, what in (("b", "reference reload"), ("d", "reference device write")):
    if kns.get(p):
        hc = statistics.median(h for h, _ in kns[p]) / 1e6
        tot = statistics.median(t for _, t in kns[p]) / 1e6
        print(f"\nIn the kernel (ktime, dom0's own clock), {what}: hypercall {hc:.2f} ms "
              f"of {tot:.2f} ms (median), against {med(p):.2f} ms seen from user space (TSC).")
# vmalloc takes its pages in bulk, which the kmem events do not show: what
# is counted is every other page and every slab object.
for who, what in (("driver", "write(reload)"), ("ref", "the reference module's reload")):
    if who not in mem:
        continue
    m = mem[who]
    print(f"\nMemory beyond the {m['file']} byte firmware buffer, {what} (ftrace kmem events "
          f"of that write() alone): slab objects live at the peak **{m['slab_peak']} bytes**, "
          f"pages outside vmalloc's bulk allocation {m['page_peak']} bytes.")
    if objs.get(who):
        print("Slab objects allocated, by call site: " + ", ".join(
            f"{site} {n} B" for site, n in sorted(objs[who].items(), key=lambda x: -x[1])) + ".")
for c in checks:
    print(f"\nFAILED in the guest: {c}")
