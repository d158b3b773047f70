"""Development aid for the card warnings: run the engine once over a benchmark set and keep every
CardView the checks were given, so that checks can be re-scored in seconds while calibrating.

    python bench/warnings_views.py --seed 7 --per-kind 6     # writes bench/out/views_7/<i>_<kind>.pkl
    python bench/warnings_views.py --seed 7 --score          # P/R/F1 of every check on the stored views

One file per image, read back one at a time by `load_views`, so a large set (full-resolution
originals) never has to fit in memory at once.

The image set is exactly bench/warnings.py's for the same arguments. Use a development seed here;
report figures only from bench/warnings.py on a seed never looked at."""

import sys

if sys.path and sys.path[0].rstrip("/").endswith("bench"):
    sys.path.pop(0)

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import multiprocessing as mp  # noqa: E402
import os  # noqa: E402
import pickle  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OCR_THREADS", "1")


import importlib.util  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_warnings", ROOT / "bench" / "warnings.py")
bw = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bw)


def run_one(job):
    import ocr.engine.core as core
    from ocr.engine import recognize_images
    from ocr.errors import MLID, SG, OcrError
    i, kind, degradation, card_kind, card_seed, seed = job
    data, truth, _, _ = bw.make_image(degradation, bw.base_card(card_kind, card_seed), seed)
    seen = []
    orig = core.run_checks

    def keep(view):
        seen.append(view)
        return orig(view)

    core.run_checks = keep
    try:
        recognize_images(SG if card_kind == "SG" else MLID, data)
    except OcrError:
        pass
    finally:
        core.run_checks = orig
    return {"i": i, "degradation": degradation, "card": f"{card_kind}:{card_seed}", "truth": truth,
            "view": seen[0] if seen else None}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-kind", type=int, default=6)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cards", type=int, default=24)
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--only", default="", help="keep only degradations starting with this (plus a quarter of the clean ones)")
    ap.add_argument("--dir", default="", help="where the views are kept (default bench/out/views_<seed>)")
    ap.add_argument("--score", action="store_true", help="score the stored views instead of making them")
    args = ap.parse_args()
    out = Path(args.dir) if args.dir else ROOT / "bench" / "out" / f"views_{args.seed}"
    if args.score:
        score(out, args.only)
        return
    todo = bw.jobs(args.per_kind, args.seed, args.cards)
    if args.only:
        todo = [j for j in todo if j[1].startswith(args.only) or (j[1].startswith("clean") and j[0] % 4 == 0)]
    out.mkdir(parents=True, exist_ok=True)
    with mp.get_context("fork").Pool(args.procs) as pool:
        for row in pool.imap_unordered(run_one, todo, chunksize=2):
            tmp = out / f".{row['i']:05d}.tmp"
            with open(tmp, "wb") as f:
                pickle.dump(row, f)
            tmp.rename(out / f"{row['i']:05d}_{row['degradation']}.pkl")
    (out / "DONE").write_text(f"{len(todo)}\n")
    print(out, len(todo))


def load_views(folder: Path | str, only: str = ""):
    """Yield the stored rows (dicts with i, degradation, card, truth, view) one at a time; `only`
    keeps degradations whose name starts with it, plus every clean one."""
    for path in sorted(Path(folder).glob("*.pkl")):
        name = path.stem.split("_", 1)[1]
        if only and not (name.startswith(only) or name.startswith("clean")):
            continue
        with open(path, "rb") as f:
            row = pickle.load(f)
        view = row["view"]
        if view is not None:  # kept before a field was added to CardView: give it the default
            for f in dataclasses.fields(view):
                if f.name not in view.__dict__:
                    setattr(view, f.name, f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default)
        yield row


def score(folder: Path, only: str = "") -> None:
    """Every check's current decision on every stored view: P/R/F1 per code, the clean
    false-warning rate and the recall per degradation."""
    from ocr.checks import CHECKS

    rows = []
    for row in load_views(folder, only):
        warns = [c.CODE for c in CHECKS if row["view"] is not None and c.check(row["view"]) is not None]
        rows.append({"truth": row["truth"], "warns": warns, "degradation": row["degradation"]})
    for code in bw.WARN_CODES:
        tp, fp, fn, p, r, f = bw.prf(rows, code)
        print(f"{code}: TP {tp} FP {fp} FN {fn}  P {p:.2f} R {r:.2f} F1 {f:.2f}")
    clean = [r for r in rows if r["truth"] is None]
    print(f"clean warned: {sum(1 for r in clean if r['warns'])}/{len(clean)}")
    for name in sorted({r["degradation"] for r in rows} - {"clean", "clean_crop"}):
        sub = [r for r in rows if r["degradation"] == name]
        print(f"  {name}: {sum(1 for r in sub if r['truth'] in r['warns'])}/{len(sub)}")


if __name__ == "__main__":
    main()
