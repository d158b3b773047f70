"""Benchmark of the card warnings (WarnCardInfos) through the full offline engine.

    python bench/warnings.py [--per-kind 20] [--seed 31337] [--cards 24]

Cards come from the generator (``ocr.synth``), fronts of every kind, MY and SG. Each of the
degradations in ``ocr.synth.degrade`` is applied to ``--per-kind`` photos and as many clean photos
as all degradations together are taken, so half the set is clean and every degradation is equally
represented. Every image is encoded and sent through ``ocr.engine.recognize_images``, and the
response's WarnCardInfos is scored against the degradation's code. Writes
bench/results/warnings.md: precision, recall and F1 per code, the false-warning rate on clean
cards, recall per degradation kind, and the time the checks take per card. Raw per-image scores go
to bench/out/warnings.json for choosing thresholds.

The checks were developed on seeds 7, 1001 and 2002 (tests/ use their own). Report figures only from
a seed not used in development, given on the command line; the one used is written into the report.
"""

import sys

# Run as a script, this file's folder comes first on sys.path and its name shadows the standard
# library's `warnings` (which argparse imports): take the folder off before importing anything.
if sys.path and sys.path[0].rstrip("/").endswith("bench"):
    sys.path.pop(0)

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import multiprocessing as mp  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OCR_THREADS", "1")

import numpy as np  # noqa: E402

from ocr.errors import MLID, SG, OcrError  # noqa: E402
from ocr.synth import KINDS  # noqa: E402
from ocr.synth.degrade import CODES, DEGRADATIONS, Card, degrade  # noqa: E402

WARN_CODES = (-9101, -9102, -9103, -9104, -9107, -9108)
F1_TARGETS = {-9101: 0.9, -9102: 0.9, -9103: 0.8, -9104: 0.8, -9107: 0.9, -9108: 0.9}  # issue 4
_cards: dict[tuple[str, int], Card] = {}


def base_card(kind: str, seed: int) -> Card:
    """A generated card with where its portrait and text are (text found by the engine's own reader
    on the flat card, so that edits and stickers can aim at real fields)."""
    key = (kind, seed)
    if key not in _cards:
        from ocr.engine.recog import read_card
        from ocr.synth import render_card

        img, truth = render_card(kind, seed, "front")
        rgb = np.asarray(img.convert("RGB"))
        lines, _ = read_card(rgb)
        boxes = []
        for ln in lines:
            pts = np.asarray(ln.box, np.float32)
            x0, y0 = pts.min(0)
            x1, y1 = pts.max(0)
            boxes.append(((int(x0), int(y0), int(x1 - x0), int(y1 - y0)), ln.text))
        fb = truth.get("_photo_box")
        face = (int(fb[0]), int(fb[1]), int(fb[2] - fb[0]), int(fb[3] - fb[1])) if fb else None
        fields = {k: v for k, v in truth.items() if not k.startswith("_")}
        _cards[key] = Card(rgb, face, boxes, fields)
    return _cards[key]


class Spy:
    """Wraps run_checks in the engine to record every check's raw score and the time they take."""

    def __init__(self):
        import ocr.engine.core as core
        from ocr.checks import CHECKS, run_checks

        self.records: list[dict] = []
        self.checks = CHECKS

        def spied(view):
            # wall time, and this thread's CPU time: the engine's worker runs OpenCV on one thread
            # (OCR_THREADS=1), so CPU time is what the checks cost, whatever else shares the cores
            t, c0 = time.perf_counter(), time.thread_time()
            out = run_checks(view)
            ms = (time.perf_counter() - t) * 1000
            cpu = (time.thread_time() - c0) * 1000
            scores, each = {}, {}
            for c in self.checks:
                t = time.perf_counter()
                scores[c.CODE] = c.score(view)
                each[c.CODE] = (time.perf_counter() - t) * 1000
            self.records.append({"ms": ms, "cpu_ms": cpu, "scores": scores, "each": each})
            return out

        core.run_checks = spied


def make_image(degradation: str, card: Card, seed: int) -> tuple[bytes, int | None, str, list[int]]:
    """The file sent to the engine, the code it should raise, its kind and its size (h, w)."""
    if degradation == "clean_crop":
        # a scan-like crop of the whole card, as a portal may send it: no desk, no outline to find
        import random

        from PIL import Image

        from ocr.synth.scene import photograph

        data, _ = photograph(Image.fromarray(card.image), random.Random(seed), "crop")
        return data, None, "clean_crop", list(card.image.shape[:2])
    shot = degrade(card, degradation, np.random.default_rng(seed))
    return shot.encode(), shot.code, shot.kind, list(shot.image.shape[:2])


def run_one(job):
    from ocr.engine import recognize_images

    global _spy
    if "_spy" not in globals():
        _spy = Spy()
    i, kind, degradation, card_kind, card_seed, seed = job
    data, truth, kind, size = make_image(degradation, base_card(card_kind, card_seed), seed)
    action = SG if card_kind == "SG" else MLID
    n_before = len(_spy.records)
    try:
        resp = recognize_images(action, data)
        warns, error = resp["WarnCardInfos"], None
    except OcrError as e:
        warns, error = [], e.code
    rec = _spy.records[n_before] if len(_spy.records) > n_before else {"ms": None, "cpu_ms": None, "scores": {}, "each": {}}
    return {"i": i, "kind": kind, "degradation": degradation, "card": f"{card_kind}:{card_seed}",
            "truth": truth, "warns": warns, "error": error, "ms": rec["ms"], "cpu_ms": rec["cpu_ms"],
            "scores": {str(k): v for k, v in rec["scores"].items()},
            "each_ms": {str(k): round(v, 1) for k, v in rec["each"].items()}, "size": size}


def jobs(per_kind: int, seed: int, n_cards: int):
    rng = np.random.default_rng(seed)
    pool = [(KINDS[i % len(KINDS)], seed + i) for i in range(n_cards)]
    # half the set clean: three in four phone photos, one in four scan-like crops of the whole card
    n_clean = len(DEGRADATIONS) * per_kind
    names = list(DEGRADATIONS) * per_kind + ["clean" if k % 4 else "clean_crop" for k in range(n_clean)]
    out = []
    for i, name in enumerate(names):
        kind, cseed = pool[int(rng.integers(0, len(pool)))]
        out.append((i, name, name, kind, cseed, int(rng.integers(0, 2**31))))
    return out


def prf(rows, code):
    tp = sum(1 for r in rows if r["truth"] == code and code in r["warns"])
    fp = sum(1 for r in rows if r["truth"] != code and code in r["warns"])
    fn = sum(1 for r in rows if r["truth"] == code and code not in r["warns"])
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    f = 2 * p * r / (p + r) if tp else 0.0
    return tp, fp, fn, p, r, f


NOTES = """## Notes

- How the images are made: `ocr.synth.degrade` photographs each generated card (perspective, desk,
  shadow, uneven light, lens softness, sensor noise, JPEG 82-96) and, for a degraded image, adds one
  problem from its physics (camera blur; specular glare; copier tone, toner grain, halftone, paper
  tint, the card on a sheet or cut out; a screen's subpixel grid and bezel; a print's dot screen and
  border; editor traces; a thumb, sticker, pen/coin/keys, a corner out of frame). The degradations
  were written without reference to the detectors.
- Clean images: three in four are phone photos made like the degraded ones; one in four is a
  scan-like crop of the whole card (`ocr.synth.scene`, scale 0.6-1.0, PNG or JPEG), as a portal may
  send it (added in round 4, when a -9101 rule that no phone photo tripped warned one crop in eight).
- Round 5 (this table) changed -9101 only: the card's own edge running off the picture when the
  engine found no outline (a corner out), labels carrying print measured whole, pieces as grainy as
  the card's paper set aside (splices), and the outline refitted to the card's edge where it had
  taken in a thumb. It was developed on the stored views of seeds 60601 (covered, 40 per kind),
  60602 (10 per degradation), 60605 (splices, re-saves, recaptures), 60607 (covered, 25 per kind)
  and 60603/60604 read with the card finder switched off (no-outline stress sets). A first
  held-out run on seed 8675309 gave -9101 F1 0.89 (P 0.90, R 0.88); its false -9101 were then
  looked at and two more rules came of them (the desk at the frame inside an outline is no corner
  out, a blob of the desk's colour is no thumb), so the figures above come from yet another seed
  nobody looked at. Round 4 reported on seed 31415926 (-9101 F1 0.86, P 0.92, R 0.81), round 3 on
  seed 86420 (-9101 0.83), rounds 1-2 on seeds 31337 and 424242 (6 per degradation); earlier
  development seeds: 1001, 4141, 4242, 9101-9644, 27182818.
- Timing: `run_checks` inside the engine. CPU time is the checks' own cost (the engine's worker runs
  OpenCV on one thread); wall time has two benchmark processes sharing the 2 cores with the engine's
  OCR, and moved by 30% between runs of the same code.
- No real public card samples were available offline: nothing here is measured on real photos.
  Double JPEG compression (one of the -9104 cues) also marks a genuine photo that a messaging app
  re-compressed without resizing; in this set every clean photo is a single camera save.
"""


def report(rows, args, wall: float) -> str:
    from ocr.checks import CHECKS

    clean = [r for r in rows if r["truth"] is None]
    clean_warned = [r for r in clean if r["warns"]]
    errors = [r for r in rows if r["error"]]
    ms = [r["ms"] for r in rows if r["ms"] is not None]
    cpu = [r["cpu_ms"] for r in rows if r["cpu_ms"] is not None]
    lines = [
        "# Card warnings benchmark",
        "",
        f"Generated {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC by `python bench/warnings.py "
        f"--per-kind {args.per_kind} --seed {args.seed} --cards {args.cards}` ({wall:.0f} s wall, 2 processes).",
        "",
        f"{len(rows)} images: {len(clean)} clean (phone photos and scan-like crops) and {len(rows) - len(clean)} degraded "
        f"({args.per_kind} of each of {len(DEGRADATIONS)} degradations) of {args.cards} generated card fronts "
        f"(all MY kinds and SG). Every image goes through the full engine "
        "(`recognize_images`); WarnCardInfos of the response is scored. Images the engine refused "
        f"(no card found): {len(errors)} ({', '.join(sorted({r['kind'] for r in errors})) or '-'}) - they count as "
        "no warning raised.",
        "",
        "Thresholds: " + ", ".join(f"{c.CODE} ≥ {c.DEFAULT_THRESHOLD}" for c in CHECKS) + " (defaults; "
        "`OCR_WARN_THRESHOLD_<code>` overrides).",
        "",
        "| code | TP | FP | FN | precision | recall | F1 | F1 target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for code in WARN_CODES:
        tp, fp, fn, p, r, f = prf(rows, code)
        target = F1_TARGETS[code]
        lines.append(f"| {code} | {tp} | {fp} | {fn} | {p:.2f} | {r:.2f} | {f:.2f} | {target} {'met' if f >= target else 'NOT met'} |")
    lines += [
        "",
        f"**False-warning rate on clean cards: {len(clean_warned)}/{len(clean)} = "
        f"{len(clean_warned) / max(1, len(clean)):.1%}** (target ≤ 2%: "
        f"{'met' if len(clean_warned) <= 0.02 * len(clean) else 'NOT met'})"
        + (" (" + ", ".join(f"{r['card']} {r['kind']} {r['warns']}" for r in clean_warned[:8]) + ")" if clean_warned else ""),
        "",
        "Of which: " + "; ".join(
            f"{label} {sum(1 for r in clean_warned if r['degradation'] == name)}/"
            f"{sum(1 for r in clean if r['degradation'] == name)}"
            for name, label in (("clean", "phone photos"), ("clean_crop", "scan-like crops of the whole card"))) + ".",
        "",
        f"Checks' time per card (all six, inside the engine, one thread): CPU time median "
        f"{statistics.median(cpu):.0f} ms, p95 {np.percentile(cpu, 95):.0f} ms, max {max(cpu):.0f} ms; wall time "
        f"(the benchmark's processes sharing the cores) median {statistics.median(ms):.0f} ms, "
        f"p95 {np.percentile(ms, 95):.0f} ms, max {max(ms):.0f} ms." if ms else "No timings.",
        "",
        "## Recall per degradation (and what else was raised)",
        "",
        "| degradation | n | expected code raised | other codes raised |",
        "|---|---|---|---|",
    ]
    for name in DEGRADATIONS:
        sub = [r for r in rows if r["degradation"] == name]
        hit = sum(1 for r in sub if r["truth"] in r["warns"])
        other: dict[int, int] = {}
        for r in sub:
            for c in r["warns"]:
                if c != r["truth"]:
                    other[c] = other.get(c, 0) + 1
        lines.append(f"| {name} ({CODES[name]}) | {len(sub)} | {hit} | "
                     + (", ".join(f"{c}: {n}" for c, n in sorted(other.items())) or "-") + " |")
    return "\n".join(lines + ["", NOTES]) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-kind", type=int, default=20)
    ap.add_argument("--seed", type=int, default=31337)
    ap.add_argument("--cards", type=int, default=24)
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "warnings.md"))
    args = ap.parse_args()
    todo = jobs(args.per_kind, args.seed, args.cards)
    t = time.time()
    with mp.get_context("fork").Pool(args.procs) as pool:
        rows = sorted(pool.map(run_one, todo, chunksize=4), key=lambda r: r["i"])
    wall = time.time() - t
    raw = ROOT / "bench" / "out" / "warnings.json"
    raw.parent.mkdir(parents=True, exist_ok=True)
    raw.write_text(json.dumps(rows, indent=0))
    text = report(rows, args, wall)
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
