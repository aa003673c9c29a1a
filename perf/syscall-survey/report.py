"""Tables for RESULTS.md from data/LABEL/*.json, ref/ and allowlist.txt (run as `survey report`)."""
import glob, json, os, re
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
MARK = "<!-- tables: written by `survey report`, do not edit below -->"
HEADER = "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"
# x86-64 numbers kernel 6.18 has that Debian 12's header (ends at 450) does not
EXTRA = {335: "uretprobe", 336: "uprobe", 451: "cachestat", 452: "fchmodat2", 453: "map_shadow_stack",
         454: "futex_wake", 455: "futex_wait", 456: "futex_requeue", 457: "statmount", 458: "listmount",
         459: "lsm_get_self_attr", 460: "lsm_set_self_attr", 461: "lsm_list_modules", 462: "mseal",
         463: "setxattrat", 464: "getxattrat", 465: "listxattrat", 466: "removexattrat",
         467: "open_tree_attr", 468: "file_getattr", 469: "file_setattr"}

def table():
    nr = {}
    for line in open(HEADER):
        m = re.match(r"#define __NR_(\w+) (\d+)$", line)
        if m: nr[m.group(1)] = int(m.group(2))
    nr.update({v: k for k, v in EXTRA.items()})
    return nr

def refs():
    docker = {}
    for line in open(os.path.join(HERE, "ref", "docker-default.txt")):
        if line.strip() and not line.startswith("#"):
            name, action = line.split(None, 1); docker[name] = action.strip()
    systemd = {l.strip() for l in open(os.path.join(HERE, "ref", "systemd-system-service.txt")) if not l.startswith("#")}
    return docker, systemd

def allowlist():
    verdict, section = {}, "allow"
    for line in open(os.path.join(HERE, "allowlist.txt")):
        s = line.strip()
        if s.startswith("# argument rules"): section = "rule"; continue
        if s.startswith("# refuse"): section = "refuse"; continue
        if not s or s.startswith("#"): continue
        name, _, why = s.partition("#")
        name = name.strip()
        if name in verdict: raise SystemExit(f"allowlist.txt: {name} listed twice")
        verdict[name] = (section, why.strip())
    return verdict

def load():
    runs = {}
    for f in sorted(glob.glob(os.path.join(HERE, "data", "*", "*.json"))):
        if f.endswith((".meta.json", ".check.json")): continue
        label, work = f.split(os.sep)[-2], os.path.basename(f)[:-5]
        runs[(label, work)] = json.load(open(f))
    return runs

def short(work):
    return work.replace("test_multiprocessing_", "t_mp_").replace("test_", "t_")

def docker_word(a):
    if a is None: return "no"
    if a == "allow": return "yes"
    if a.startswith("args:"): return "args"
    if a == "enosys": return "ENOSYS"
    if a == "removed": return "no (#46762)"
    return "no (" + a[4:] + ")"

def main():
    nr, (docker, systemd), verdict, runs = table(), refs(), allowlist(), load()
    num2name = {v: k for k, v in nr.items()}
    seen = defaultdict(lambda: {"works": set(), "labels": set(), "n": 0, "err": Counter(), "comm": Counter()})
    args = defaultdict(lambda: defaultdict(lambda: [0, set()]))
    for (label, work), d in runs.items():
        for name, c in d["calls"].items():
            m = re.match(r"syscall_0x([0-9a-f]+)$", name)
            if m: name = num2name.get(int(m.group(1), 16), name)
            s = seen[name]; s["works"].add(work); s["labels"].add(label); s["n"] += c["n"]
            s["err"].update(c["err"]); s["comm"].update(c["comm"])
        for key, vals in d["args"].items():
            for v, n in vals.items():
                args[key][v][0] += n; args[key][v][1].add(short(work))
    out = []
    p = out.append
    labels = sorted({l for l, _ in runs}); works = sorted({w for _, w in runs})
    p(f"Runs: {len(runs)} (interpreters: {', '.join(labels)}; workloads: {len(works)}).\n")
    p("### Every system call seen\n")
    p("`calls` is the total over all runs; `fails` the share that returned an error (top errno); "
      "`workloads` lists where it was seen (t_ = regression test, others are real jobs; `+N` = N more); "
      "`who` the process names (comm) that made it; Docker: the default profile with default caps; "
      "systemd: in @system-service; pysbx: the verdict of allowlist.txt.\n")
    p("| call | nr | calls | fails | workloads | who | Docker | systemd | pysbx |")
    p("|---|---|---|---|---|---|---|---|---|")
    for name in sorted(seen, key=lambda n: nr.get(n, 9999)):
        s = seen[name]
        w = sorted(short(x) for x in s["works"])
        wtxt = ", ".join(w[:6]) + (f" +{len(w) - 6}" if len(w) > 6 else "")
        nerr = sum(s["err"].values())
        fails = f"{100 * nerr // s['n']}% {s['err'].most_common(1)[0][0]}" if nerr else ""
        comms = Counter()
        for c, n in s["comm"].items():
            comms["python" if c.startswith("python") else c] += n
        who = ", ".join(c for c, _ in comms.most_common(3))
        v = verdict.get(name, ("MISSING", ""))[0]
        p(f"| {name} | {nr.get(name, '?')} | {s['n']} | {fails} | {wtxt} | {who} | {docker_word(docker.get(name))} | "
          f"{'yes' if name in systemd else 'no'} | {v} |")
    p(f"\n{len(seen)} distinct system calls.\n")
    p("### In Docker's default allow-list, used by no workload\n")
    p("| call | nr | Docker | systemd | pysbx | judgement |")
    p("|---|---|---|---|---|---|")
    for name in sorted(docker, key=lambda n: nr.get(n, 9999)):
        a = docker[name]
        if name not in nr or name in seen or not (a == "allow" or a.startswith("args")): continue
        v, why = verdict.get(name, ("MISSING", ""))
        p(f"| {name} | {nr[name]} | {docker_word(a)} | {'yes' if name in systemd else 'no'} | {v} | {why} |")
    p("\n### Argument values observed\n")
    p("Value: total count over all runs, then where (first workloads).\n")
    for key in sorted(args):
        p(f"\n**{key}**\n")
        for v, (n, ws) in sorted(args[key].items(), key=lambda kv: -kv[1][0]):
            ws = sorted(ws)
            p(f"- `{v}`: {n} ({', '.join(ws[:5])}{' +%d' % (len(ws) - 5) if len(ws) > 5 else ''})")
    # coverage of allowlist.txt
    existing = set(nr)
    missing = sorted(existing - set(verdict), key=nr.get)
    unknown = sorted(set(verdict) - existing)
    counts = Counter(v for n, (v, _) in verdict.items() if n in existing)
    p("\n### allowlist.txt coverage\n")
    p(f"x86-64 numbers covered: {len(existing & set(verdict))} of {len(existing)} "
      f"(allow {counts['allow']}, argument rules {counts['rule']}, refuse {counts['refuse']}).")
    if missing: p("Not covered: " + ", ".join(missing))
    if unknown: p("Names that are not x86-64 system calls: " + ", ".join(unknown))
    seen_refused = [n for n in seen if verdict.get(n, ("",))[0] == "refuse"]
    p("\nSeen in a workload but refused by allowlist.txt: " + (", ".join(
        f"{n} ({', '.join(sorted(short(w) for w in seen[n]['works'])[:6])})" for n in sorted(seen_refused)) or "none"))
    p("\n### Runs\n")
    p("Status: the exit status of the workload under strace (regrtest exits 2 when a test fails; tests that "
      "fail under ptrace still made their calls), `timeout`/`cut short` = stopped early, data up to then kept; "
      "`filter`: the same workload without strace under check-filter (allowlist.txt as a seccomp filter).\n")
    p("| interpreter | workload | status | seconds | calls seen | filter |")
    p("|---|---|---|---|---|---|")
    for f in sorted(glob.glob(os.path.join(HERE, "data", "*", "*.meta.json"))):
        m = json.load(open(f))
        label, work = f.split(os.sep)[-2], os.path.basename(f)[:-len(".meta.json")]
        ck = f[:-len(".meta.json")] + ".check.json"
        ck = json.load(open(ck))["status"] if os.path.exists(ck) else ""
        n = len(runs[(label, work)]["calls"]) if (label, work) in runs else "no data"
        p(f"| {label} | {work} | {m['status']} | {m['seconds']} | {n} | {ck} |")
    text = "\n".join(out) + "\n"
    results = os.path.join(HERE, "RESULTS.md")
    if os.path.exists(results):
        head = open(results).read().split(MARK)[0]
        with open(results, "w") as f:
            f.write(head + MARK + "\n\n" + text)
    print(f"RESULTS.md tables: {len(seen)} calls seen; allow {counts['allow']}, rules {counts['rule']}, "
          f"refuse {counts['refuse']}; missing {len(missing)}; unknown {len(unknown)}")

if __name__ == "__main__":
    main()
