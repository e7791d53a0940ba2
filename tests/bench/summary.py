#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""summary.py NAME XEN KERNEL FILE SERIAL TARGETS: one configuration of make
bench (tests/bench.sh) as a Markdown section: min / median / max per path,
the ratios against their targets, whether every path got the same answer
from Xen, and the memory one reload takes from dom0.  Appends the
configuration's figures against the targets to TARGETS (JSON lines), and
exits 1 if a path has no figures, the answers differ or a check failed in
the guest.

summary.py --targets TARGETS: the table of every configuration against the
targets, from those lines."""
import errno
import json
import statistics
import sys


def targets_table(path):
    rows = [json.loads(line) for line in open(path)]
    print("| configuration | file | a/b ≤ 1.05 | c/d ≤ 1.2 (3.3 MB) | a/e ≤ 0.05 (44 KB) "
          "| (a−d)/(e−d) | slab beyond the firmware buffer, one reload: driver / reference "
          "| same answer |")
    print("|---|---|---|---|---|---|---|---|")

    def r(row, key, big=None):
        s = "{:.2f} / {:.2f}".format(*row[key])
        # A target set for the other file size: in brackets.
        return s if big is None or (row["size"] > 1 << 20) == big else f"({s})"
    for row in rows:
        print(f"| {row['name']} | {row['size']} B | {r(row, 'ab')} | {r(row, 'cd', True)} | "
              f"{r(row, 'ae', False)} | {r(row, 'own')} | {row['mem_driver']} / {row['mem_ref']} B | {row['same']} |")
    print("\nEach ratio: of the minima / the median of the per-round ratios.")
    cols = [("driver:mcx_dev_write", "mcx_dev_write"), ("driver:pin_user_pages_fast", "pin"),
            ("driver:unpin_user_pages", "unpin"), ("driver:mcx_send", "mcx_send"),
            ("driver:mcx_tally", "of it mcx_tally"), ("ref:bench_write", "reference (d)")]
    if any(row.get("prof") for row in rows):
        print("\nThe device write, profiled (kprobes, TSC; median ms of the calls):\n")
        print("| configuration | " + " | ".join(c for _, c in cols) + " |")
        print("|---|" + "---|" * len(cols))
        for row in rows:
            p = row.get("prof", {})
            print(f"| {row['name']} | " + " | ".join(
                f"{p[k]:.2f}" if k in p else "" for k, _ in cols) + " |")


if sys.argv[1] == "--targets":
    targets_table(sys.argv[2])
    sys.exit(0)
name, xen, kernel, src, serial, targets = sys.argv[1:7]
PATHS = {
    "a": "write(reload, \"1\")",
    "b": "reference: request_firmware_direct + hypercall + release (its sysfs write)",
    "c": "write(/dev/cpu/microcode, blob in memory)",
    "d": "reference: bare hypercall on the same buffer (its device write)",
    "e": "xen-ucode FILE (whole command)",
    "f": "insmod microcode_xen.ko, update at load (whole command)",
}
# The success path (SUCCESS=1, CPUs that take microcode): real updates.
SUCCESS = {
    "s": "write(force_reload, \"1\"): Xen applies the file to every CPU",
    "x": "xen-ucode --force FILE, the same (whole command)",
}
ms, verdicts, kns = {}, {}, {}
size, mem, checks, objs = None, {}, [], {}
tsc, prof, noprobe = None, {}, []
ended = False
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
    elif line.startswith("@@tsc ") and len(f) == 2:
        tsc = float(f[1])
    elif line.startswith("@@probe ") and len(f) == 3:
        noprobe.append(f[1])
    elif line.startswith("@@prof ") and len(f) == 4:
        prof.setdefault(f[1], {}).setdefault(f[2], []).append(int(f[3]))
    elif line.startswith("not ok"):
        checks.append(line)
    elif line.startswith("@@end "):
        ended = True


def prof_ms(cycles):
    """The median of a probed function's calls, in ms of the TSC."""
    return statistics.median(cycles) / tsc * 1e3


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


# On CPUs that take microcode (the success configuration) the first load
# updates them, and every later path finds them up to date: Xen's -EEXIST,
# which xen-ucode (its own exit status) reports as success.
if "s" in ms and verdicts.get("e") == {"0"}:
    verdicts["e"] = {"-17"}
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
for p, what in SUCCESS.items():
    t = sorted(x for _, x in ms.get(p, []))
    if t:
        print(f"| {p} | {what} | {len(t)} | {t[0]:.2f} | {statistics.median(t):.2f} | "
              f"{t[-1]:.2f} | {','.join(sorted(verdicts.get(p, [])))} |")
all_v = {cls(v) for p, vs in verdicts.items() if p not in SUCCESS for v in vs}
print(f"\nSame answer from Xen on every path: **{'yes' if len(all_v) == 1 else 'NO'}** "
      f"({', '.join(sorted(all_v))})\n")
def least(p):
    return min(t for _, t in ms[p]) if p in ms else float("nan")


def ratio(x, y):
    return x / y if y else float("nan")


# Noise from a shared host only adds time: the minima are the steadiest.
print("| ratio | ratio of minima | median of per-round ratios | ratio of medians | target |")
print("|---|---|---|---|---|")
for p, q, target in (("a", "b", "≤ 1.05"), ("c", "d", "≤ 1.2 (3.3 MB)"),
                     ("a", "e", "≤ 0.05 (44 KB)"), ("c", "a", "—"), ("f", "a", "—"),
                     ("s", "x", "—")):
    if p in SUCCESS and p not in ms:
        continue
    print(f"| {p} / {q} | {ratio(least(p), least(q)):.3f} | {paired(p, q):.3f} | "
          f"{ratio(med(p), med(q)):.3f} | {target} |")
# What each path adds to Xen's own work (the bare hypercall, d): the
# driver's reload against xen-ucode, per round.
a_, d_, e_ = (dict(ms.get(p, [])) for p in "ade")
own = [(a_[i] - d_[i]) / (e_[i] - d_[i]) for i in a_ if i in d_ and i in e_ and e_[i] > d_[i]]
print(f"| (a − d) / (e − d) | {ratio(least('a') - least('d'), least('e') - least('d')):.3f} | "
      f"{statistics.median(own) if own else float('nan'):.3f} | "
      f"{ratio(med('a') - med('d'), med('e') - med('d')):.3f} | — |")
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
# The profile of the device write: each probed function's time, from the
# TSC stamps of its entry and return: the median of its calls (the host's
# stalls fall on single calls), and how often it was called per write.
TOP = {"driver": "mcx_dev_write", "ref": "bench_write"}
for who, what in (("driver", "write(/dev/cpu/microcode)"), ("ref", "the reference's device write")):
    calls = prof.get(who, {})
    writes = len(calls.get(TOP[who], []))
    if not writes or not tsc:
        continue
    total = prof_ms(calls[TOP[who]])
    parts = [f"{fn} {prof_ms(c):.2f} ms ({100 * prof_ms(c) / total:.0f} %"
             f"{f', {len(c) / writes:.1f} calls per write' if len(c) != writes else ''})"
             for fn, c in calls.items() if fn != TOP[who]]
    print(f"\nWhere the time of {what} goes ({writes} writes, kprobes on entry and return, "
          f"TSC, medians of the calls): {TOP[who]} {total:.2f} ms"
          + (", of which " + ", ".join(parts) if parts else "") + ".")
if prof and noprobe:
    print(f"\nNo probe (inlined into its caller): {', '.join(noprobe)}.")
for c in checks:
    print(f"\nFAILED in the guest: {c}")
if not ended:
    checks.append("no @@end")
    print(f"\nFAILED: the scenario did not run to its end (no memory or profile figures); see {serial}")
missing = [p for p in PATHS if not ms.get(p)]
# A success path that ran must have answered success every time.
bad = {p: verdicts[p] for p in SUCCESS if p in verdicts and verdicts[p] != {"0"}}
if bad:
    checks.append(f"success path answers {bad}")
    print(f"\nFAILED: the success path did not always succeed: {bad}")
if missing:
    print(f"\nNo figures for path(s) {', '.join(missing)}: see {serial}")
with open(targets, "a") as out:
    out.write(json.dumps({
        "name": name, "size": size or 0, "same": "yes" if len(all_v) == 1 else "NO",
        # ratio of minima and median of the per-round ratios
        "ab": [ratio(least("a"), least("b")), paired("a", "b")],
        "cd": [ratio(least("c"), least("d")), paired("c", "d")],
        "ae": [ratio(least("a"), least("e")), paired("a", "e")],
        "own": [ratio(least("a") - least("d"), least("e") - least("d")),
                statistics.median(own) if own else float("nan")],
        "mem_driver": mem.get("driver", {}).get("slab_peak", "?"),
        "mem_ref": mem.get("ref", {}).get("slab_peak", "?"),
        # the profile: median ms of each probed function's calls
        "prof": {f"{who}:{fn}": prof_ms(c)
                 for who, fns in prof.items() for fn, c in fns.items()} if tsc else {},
    }) + "\n")
sys.exit(1 if missing or checks or len(all_v) != 1 else 0)
