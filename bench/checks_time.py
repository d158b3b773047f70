"""Time of each card check on stored engine views, and the same for an earlier version of the checks,
interleaved view by view so that other load on the machine falls on both alike; also every score
and decision of the two versions side by side, so that a speed-up is shown to change nothing.

    python bench/checks_time.py --dir /work/views/v1001                 # this tree only
    python bench/checks_time.py --dir /work/views/v1001 --old-ref main  # against main's checks

The earlier version is `ocr/checks` (and `ocr/idnumbers.py`) at --old-ref, extracted with `git
archive` into a temporary package `ocr_old`; it shares everything else (the engine's card finder)
with this tree. Each run of the checks starts from an empty `view.cache`, as in the engine. Figures
go to bench/results/checks_time.md (--out)."""

import sys

if sys.path and sys.path[0].rstrip("/").endswith("bench"):
    sys.path.pop(0)

import argparse  # noqa: E402
import atexit  # noqa: E402
import importlib  # noqa: E402
import importlib.util  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OCR_THREADS", "1")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

cv2.setNumThreads(1)  # as the engine's worker processes run (OCR_THREADS=1)

_spec = importlib.util.spec_from_file_location("bench_warnings_views", ROOT / "bench" / "warnings_views.py")
wv = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(wv)


def old_checks(ref: str):
    """ocr/checks at git `ref`, importable as `ocr_old.checks`."""
    tmp = Path(tempfile.mkdtemp(prefix="checks_old_"))
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    pkg = tmp / "ocr_old"
    pkg.mkdir()
    tar = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "ocr/checks", "ocr/idnumbers.py"],
                         check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(pkg), "--strip-components=1"], input=tar, check=True)
    (pkg / "__init__.py").write_text("")
    sys.path.insert(0, str(tmp))
    return importlib.import_module("ocr_old.checks")


def run(checks, view, clock=time.perf_counter) -> tuple[list[float], list[tuple]]:
    """Each check's time (ms) as run_checks runs them (one shared cache), then each one's outcome:
    (score, warning's score or None, warning's box)."""
    view.cache = {}
    times = []
    warns = []
    for c in checks.CHECKS:
        t0 = clock()
        d = c.check(view)
        times.append((clock() - t0) * 1000)
        warns.append(d)
    outcomes = [(c.score(view), d.score if d else None, d.box if d else None) for c, d in zip(checks.CHECKS, warns)]
    view.cache = {}
    return times, outcomes


def summary(name: str, codes: list[int], times: np.ndarray) -> list[str]:
    cols = [str(c) for c in codes] + ["all"]
    t = np.concatenate([times, times.sum(1, keepdims=True)], 1)
    lines = [f"{name:<5} {'':>6} " + " ".join(f"{c:>7}" for c in cols)]
    for label, f in (("median", np.median), ("p95", lambda a, axis: np.percentile(a, 95, axis=axis)), ("max", np.max)):
        lines.append(f"{'':<5} {label:>6} " + " ".join(f"{v:7.1f}" for v in f(t, axis=0)))
    return lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", action="append", required=True, help="a folder of stored views (repeatable)")
    ap.add_argument("--old-ref", default="", help="git ref of the checks to compare with")
    ap.add_argument("--repeat", type=int, default=1, help="runs per view (the fastest is kept)")
    ap.add_argument("--only", default="", help="degradations starting with this (plus the clean ones)")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "checks_time.md"))
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="cpu: this thread's CPU time, which leaves out the waits for a core that other "
                         "processes on the machine cause (closer to one quiet process)")
    ap.add_argument("--per-view", default="", help="also write every view's times (CSV) here")
    ap.add_argument("--slowest", type=int, default=8, help="list the views with the longest total")
    args = ap.parse_args()

    import ocr.checks as new

    impls = {"new": new}
    if args.old_ref:
        impls["old"] = old_checks(args.old_ref)
    codes = [c.CODE for c in new.CHECKS]
    assert all([c.CODE for c in m.CHECKS] == codes for m in impls.values())
    times = {k: [] for k in impls}
    names, diffs, decision_diffs, score_diffs = [], [], 0, 0
    order = list(impls)
    clock = time.perf_counter if args.clock == "wall" else time.thread_time
    warm = False
    for folder in args.dir:
        for row in wv.load_views(folder, args.only):
            view = row["view"]
            if view is None:
                continue
            if not warm:  # first calls in a process build tables (OpenCV's Lab, Pillow's plugins): not timed
                for k in impls:
                    run(impls[k], view)
                warm = True
            best, outs = {}, {}
            for _ in range(args.repeat):
                order.reverse()  # alternate which version runs first
                for k in order:
                    t, outs[k] = run(impls[k], view, clock)
                    best[k] = t if k not in best else list(np.minimum(best[k], t))
            for k in impls:
                times[k].append(best[k])
            names.append(f"{Path(folder).name}/{row['i']:05d}_{row['degradation']}")
            if "old" in outs:
                for code, a, b in zip(codes, outs["old"], outs["new"]):
                    if (a[1] is None) != (b[1] is None):
                        decision_diffs += 1
                    if abs(a[0] - b[0]) > 0:
                        score_diffs += 1
                    if a != b:
                        diffs.append(f"{names[-1]} {code}: old {a} new {b}")
    def commit(ref: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", ref], capture_output=True, text=True).stdout.strip()

    versions = f"new: this tree (HEAD {commit('HEAD')})" + (f", old: {args.old_ref} ({commit(args.old_ref)})" if args.old_ref else "")
    lines = [f"views: {len(names)} from {', '.join(args.dir)}" + (f" --only {args.only}" if args.only else ""), versions,
             f"ms per check ({args.clock} time, fastest of {args.repeat}), in run_checks order; 'all' is their sum"]
    arrays = {k: np.array(v) for k, v in times.items()}
    for k in impls:
        lines += summary(k, codes, arrays[k])
    total = arrays["new"].sum(1)
    lines.append("slowest views (new): " + ", ".join(
        f"{names[i]} {total[i]:.0f} ms ({codes[int(np.argmax(arrays['new'][i]))]} {arrays['new'][i].max():.0f})"
        for i in np.argsort(-total)[: args.slowest]))
    if "old" in impls:
        lines.append(f"against {args.old_ref}: {decision_diffs} decisions differ, {score_diffs} scores differ, "
                     f"{len(diffs)} outcomes (score, warning, box) differ")
        lines += ["  " + d for d in diffs[:50]]
    if args.per_view:
        with open(args.per_view, "w") as f:
            f.write("view,version," + ",".join(str(c) for c in codes) + "\n")
            for k in impls:
                for name, t in zip(names, arrays[k]):
                    f.write(f"{name},{k}," + ",".join(f"{x:.2f}" for x in t) + "\n")
    text = "\n".join(lines)
    print(text)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text("```\n" + text + "\n```\n")


if __name__ == "__main__":
    main()
