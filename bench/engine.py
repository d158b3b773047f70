"""Benchmark of the offline engine on generated cards (not a test: figures, not pass/fail).

    python bench/engine.py [--cards 200] [--seed S] [--latency-cards 40]

Writes bench/results/engine.md: per-field exact match on clean (scan-like crops) and degraded cards
(blur, noise, JPEG quality 40, rotation by any multiple of 90° ± 15°, perspective), Type accuracy,
accuracy above and below confidence 0.90, latency p50/p95 in one process with one thread,
throughput with one process per core, and peak RSS per process.
"""

import sys

# Run as a script, this file's folder comes first on sys.path, where bench/warnings.py shadows the
# standard library's `warnings` (imported by random): take the folder off before importing anything.
if sys.path and sys.path[0].rstrip("/").endswith("bench"):
    sys.path.pop(0)

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import multiprocessing as mp  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402, F401
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OCR_THREADS", "1")

from ocr.errors import MLID, SG, OcrError  # noqa: E402
from ocr.synth import MY_KINDS, generate_card  # noqa: E402

KINDS = list(MY_KINDS) + ["SG-front", "SG-back"]


def job_list(n: int, base: int):
    jobs = []
    for i in range(n):
        seed = base + i
        kind = KINDS[i % len(KINDS)]
        side = "back" if kind == "SG-back" else "front"
        with_back = kind not in ("IKAD", "SG-front", "SG-back") and i % 4 == 0
        jobs.append((kind.split("-")[0], side, seed, with_back))
    return jobs


def make_card(job, scene):
    kind, side, seed, with_back = job
    data, truth = generate_card(kind, seed, side=side, scene=scene)
    back = None
    if with_back:
        back, bt = generate_card(kind, seed, side="back", scene=scene)
        truth = dict(truth, MyKadNumber=bt["MyKadNumber"])
    return job, scene, data, back, truth


def run_one(job, scene):
    return run_card(*make_card(job, scene))


def run_card(job, scene, data, back, truth):
    from ocr.engine import recognize_images

    kind, side, seed, with_back = job
    action = SG if kind == "SG" else MLID
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        resp = recognize_images(action, data, back=back)
        err = None
    except OcrError as e:
        resp, err = {}, e.code
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - c0
    conf = json.loads(resp.get("AdvancedInfo") or "{}")
    rows = []
    for k, v in truth.items():
        if k.startswith("_") or (k == "MyKadNumber" and not with_back):
            continue
        if action == MLID and k in ("MyKadNumber",) and not with_back:
            continue
        got = resp.get(k, "")
        c = float(conf.get(k, {}).get("Confidence", "0")) if got else None
        rows.append((k, v, got, c))
    return dict(kind=kind, side=side, seed=seed, scene=scene, error=err, seconds=elapsed, cpu=cpu, rows=rows,
                type_ok=(resp.get("Type") == kind) if action == MLID else None)


def _worker(card):
    # Cards arrive ready-made and one at a time: neither the generator's float buffers nor a queue of
    # pending images must count in the engine's RSS.
    out = run_card(*card)
    return out, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, os.getpid()


def pct(values, q):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def summarise(results):
    fields = {}
    for r in results:
        for k, want, got, _ in r["rows"]:
            if want == "" and got == "":
                continue  # absent on this card and correctly absent: not a field read
            a = fields.setdefault(k, [0, 0])
            a[1] += 1
            a[0] += int(got == want)
    return fields


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cards", type=int, default=200)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--latency-cards", type=int, default=40)
    ap.add_argument("--procs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args()
    base = args.seed if args.seed is not None else random.SystemRandom().randrange(10**8)
    jobs = job_list(args.cards, base)
    print(f"seed base {base}, {len(jobs)} cards", flush=True)
    load_start = os.getloadavg()

    # 1. Latency: one process, one thread, nothing else of ours running. Warm-up first (model load).
    from ocr.engine import recognize_images

    warm, _ = generate_card("MyKad", base - 1)
    t0 = time.perf_counter()
    recognize_images(MLID, warm)
    load_s = time.perf_counter() - t0
    # The card checks (WarnCardInfos) have their own budget: time them inside each call so the
    # report can split a card's latency into recognition and checks.
    import ocr.engine.core as core

    checks_s = [0.0]
    run_checks = core.run_checks

    def timed_checks(view):
        t = time.perf_counter()
        try:
            return run_checks(view)
        finally:
            checks_s[0] += time.perf_counter() - t

    core.run_checks = timed_checks
    lat, cpu, chk = [], [], []
    for scene in ("crop", "photo"):
        for j in jobs[: args.latency_cards // 2]:
            checks_s[0] = 0.0
            r = run_one(j, scene)
            lat.append(r["seconds"])
            cpu.append(r["cpu"])
            chk.append(checks_s[0])
    core.run_checks = run_checks
    print(f"latency p50 {pct(lat, .5):.3f}s p95 {pct(lat, .95):.3f}s", flush=True)

    # 2. Accuracy on clean and degraded, with one process per core: also the throughput figure.
    results, rss, tput = {}, [], {}
    ctx = mp.get_context("spawn")
    for scene in ("crop", "degraded"):
        cards = [make_card(j, scene) for j in jobs]
        with ctx.Pool(args.procs) as pool:
            pool.map(_warm, range(args.procs), chunksize=1)
            t0 = time.perf_counter()
            outs = list(pool.imap_unordered(_worker, cards, chunksize=1))
            wall = time.perf_counter() - t0
        peak = {}
        for _, m, pid in outs:
            peak[pid] = max(peak.get(pid, 0), m)
        results[scene] = [r for r, _, _ in outs]
        rss += list(peak.values())
        tput[scene] = len(jobs) / wall
        print(f"{scene}: {tput[scene]:.2f} cards/s", flush=True)

    write_report(args, base, results, lat, cpu, chk, load_s, tput, rss, load_start)


def _warm(_):
    from ocr.engine import recognize_images

    data, _ = generate_card("SG", 1)
    try:
        recognize_images(SG, data)
    except OcrError:
        pass
    return os.getpid()


def write_report(args, base, results, lat, cpu, chk, load_s, tput, rss, load_start):
    lines = ["# Offline engine benchmark", ""]
    lines.append(f"Run {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M UTC} on {platform.machine()}, {os.cpu_count()} cores, "
                 f"Python {platform.python_version()}; {args.cards} generated cards per scene (seeds {base}..{base + args.cards - 1}, "
                 f"kinds cycling {', '.join(KINDS)}; every 4th MY card also sends its back). Reproduce: "
                 f"`python bench/engine.py --cards {args.cards} --seed {base}`.")
    lines.append("")
    lines.append("- **clean**: scan-like tight crops (scale 0.6-1.0, PNG or JPEG 85-95).")
    lines.append("- **degraded**: phone photo (card 60-95% of the frame, rotation by a multiple of 90° ± 15°, perspective up to 10%), "
                 "lighting gradient, Gaussian blur σ 0.8-1.6, noise, JPEG quality 40.")
    lines.append("")
    lines.append("## Field exact match")
    lines.append("")
    clean, deg = summarise(results["crop"]), summarise(results["degraded"])
    lines.append("| field | clean | degraded |")
    lines.append("|---|---|---|")
    tot = {"crop": [0, 0], "degraded": [0, 0]}
    for k in sorted(set(clean) | set(deg)):
        cells = []
        for name, s in (("crop", clean), ("degraded", deg)):
            ok, n = s.get(k, (0, 0))
            tot[name][0] += ok
            tot[name][1] += n
            cells.append(f"{100 * ok / n:.1f}% ({ok}/{n})" if n else "-")
        lines.append(f"| {k} | {cells[0]} | {cells[1]} |")
    lines.append(f"| **all fields** | **{100 * tot['crop'][0] / max(1, tot['crop'][1]):.2f}%** | **{100 * tot['degraded'][0] / max(1, tot['degraded'][1]):.2f}%** |")
    lines.append("")
    for scene, label in (("crop", "clean"), ("degraded", "degraded")):
        t = [r["type_ok"] for r in results[scene] if r["type_ok"] is not None]
        errs = [r for r in results[scene] if r["error"]]
        cards_ok = sum(1 for r in results[scene] if not r["error"] and all(w == g for _, w, g, _ in r["rows"]))
        lines.append(f"- {label}: Type accuracy {100 * sum(t) / max(1, len(t)):.1f}% ({sum(t)}/{len(t)}); "
                     f"cards with every field right {cards_ok}/{len(results[scene])}; errors {len(errs)}"
                     + (f" ({', '.join(sorted({e['error'] for e in errs}))})" if errs else ""))
    lines.append("")
    lines.append("## Confidence (AdvancedInfo) against correctness")
    lines.append("")
    lines.append("| scene | fields with confidence ≥ 0.90 | exact | fields < 0.90 | exact |")
    lines.append("|---|---|---|---|---|")
    for scene, label in (("crop", "clean"), ("degraded", "degraded")):
        hi = [w == g for r in results[scene] for _, w, g, c in r["rows"] if c is not None and c >= 0.9]
        lo = [w == g for r in results[scene] for _, w, g, c in r["rows"] if c is not None and c < 0.9]
        f = lambda v: f"{100 * sum(v) / len(v):.1f}%" if v else "-"  # noqa: E731
        lines.append(f"| {label} | {len(hi)} | {f(hi)} | {len(lo)} | {f(lo)} |")
    lines.append("")
    lines.append("## Speed and memory")
    lines.append("")
    lines.append(f"- Latency per card, one process, one thread (OCR_THREADS=1), {len(lat)} cards (half clean crops, half photos), "
                 f"model load excluded: **p50 {1000 * pct(lat, .5):.0f} ms, p95 {1000 * pct(lat, .95):.0f} ms** "
                 f"(first call incl. model load: {1000 * load_s:.0f} ms). CPU time per card (less sensitive to other load on the "
                 f"machine): p50 {1000 * pct(cpu, .5):.0f} ms, p95 {1000 * pct(cpu, .95):.0f} ms. Of the latency, the card checks "
                 f"(WarnCardInfos, front and back) take p50 {1000 * pct(chk, .5):.0f} ms, p95 {1000 * pct(chk, .95):.0f} ms; the rest "
                 f"(decode, card finding, OCR, fields, portrait) p50 {1000 * pct([a - b for a, b in zip(lat, chk)], .5):.0f} ms, "
                 f"p95 {1000 * pct([a - b for a, b in zip(lat, chk)], .95):.0f} ms.")
    lines.append(f"- Throughput with one process per core ({args.procs} processes, one thread each): "
                 f"**clean {tput['crop']:.2f} cards/s, degraded {tput['degraded']:.2f} cards/s** (MY cards with a back count as one card).")
    lines.append(f"- Peak RSS per worker process (engine only; cards generated in the parent): **max {max(rss):.0f} MB** "
                 f"(all: {', '.join(f'{m:.0f}' for m in rss)} MB).")
    load = os.getloadavg()
    lines.append(f"- Load average (1 / 5 / 15 min) at the start of the run: {load_start[0]:.1f} / {load_start[1]:.1f} / {load_start[2]:.1f}; "
                 f"at the end: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} — on {os.cpu_count()} cores; above about {os.cpu_count()} "
                 "the machine is shared with other work, so timings are upper bounds of what the engine needs.")
    lines.append("")
    misses = [(r["kind"], r["side"], r["seed"], r["scene"], k, w, g) for s in ("crop", "degraded") for r in results[s]
              for k, w, g, _ in r["rows"] if w != g][:25]
    if misses:
        lines.append("## First misreads (kind, side, seed, scene, field, truth, read)")
        lines.append("")
        for m in misses:
            lines.append(f"- {m[0]} {m[1]} {m[2]} {m[3]}: {m[4]} `{m[5]}` → `{m[6]}`")
        lines.append("")
    out = ROOT / "bench" / "results" / "engine.md"
    out.write_text("\n".join(lines) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
