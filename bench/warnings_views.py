"""Development aid for the card warnings: run the engine once over a benchmark set and keep every
CardView the checks were given, so that checks can be re-scored in seconds while calibrating.

    python bench/warnings_views.py --seed 7 --per-kind 6     # writes bench/out/views_7.pkl
    python bench/warnings_views.py --seed 7 --score          # scores every check on the stored views

The image set is exactly bench/warnings.py's for the same arguments. Use a development seed here;
report figures only from bench/warnings.py on a seed never looked at."""

import sys

if sys.path and sys.path[0].rstrip("/").endswith("bench"):
    sys.path.pop(0)

import argparse  # noqa: E402
import multiprocessing as mp  # noqa: E402
import os  # noqa: E402
import pickle  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OCR_THREADS", "1")

import numpy as np  # noqa: E402

import importlib.util  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_warnings", ROOT / "bench" / "warnings.py")
bw = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bw)


def run_one(job):
    import ocr.engine.core as core
    from ocr.engine import recognize_images
    from ocr.errors import MLID, SG, OcrError
    from ocr.synth.degrade import degrade

    i, kind, degradation, card_kind, card_seed, seed = job
    card = bw.base_card(card_kind, card_seed)
    shot = degrade(card, degradation, np.random.default_rng(seed))
    seen = []
    orig = core.run_checks

    def keep(view):
        seen.append(view)
        return orig(view)

    core.run_checks = keep
    try:
        recognize_images(SG if card_kind == "SG" else MLID, shot.encode())
    except OcrError:
        pass
    finally:
        core.run_checks = orig
    return {"i": i, "degradation": degradation, "card": f"{card_kind}:{card_seed}", "truth": shot.code,
            "view": seen[0] if seen else None}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-kind", type=int, default=6)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cards", type=int, default=24)
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--only", default="", help="keep only degradations starting with this (plus a quarter of the clean ones)")
    args = ap.parse_args()
    todo = bw.jobs(args.per_kind, args.seed, args.cards)
    if args.only:
        todo = [j for j in todo if j[1].startswith(args.only) or (j[1] == "clean" and j[0] % 4 == 0)]
    with mp.get_context("fork").Pool(args.procs) as pool:
        rows = sorted(pool.map(run_one, todo, chunksize=4), key=lambda r: r["i"])
    out = ROOT / "bench" / "out" / f"views_{args.seed}{'_' + args.only if args.only else ''}.pkl"
    with open(out, "wb") as f:
        pickle.dump(rows, f)
    print(out, len(rows))


if __name__ == "__main__":
    main()
