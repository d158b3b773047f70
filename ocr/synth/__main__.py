"""Write synthetic cards with their ground truth beside them: image.jpg + image.json.

    python -m ocr.synth OUTDIR [--count N] [--seed S] [--scene crop|photo|degraded] [--kind K]
"""

import argparse
import json
import random
from pathlib import Path

from . import KINDS, generate_card


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ocr.synth")
    ap.add_argument("outdir")
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--seed", type=int, default=None, help="first seed (random when omitted)")
    ap.add_argument("--scene", default="photo", choices=["crop", "photo", "degraded"])
    ap.add_argument("--kind", default=None, choices=KINDS)
    args = ap.parse_args(argv)
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    base = args.seed if args.seed is not None else random.SystemRandom().randrange(10**9)
    for i in range(args.count):
        seed = base + i
        kind = args.kind or KINDS[seed % len(KINDS)]
        side = "back" if kind == "SG" and seed % 2 else "front"
        data, truth = generate_card(kind, seed, side=side, scene=args.scene)
        ext = "png" if data[:4] == b"\x89PNG" else "jpg"
        stem = f"{i:04d}-{kind}-{side}-{seed}"
        (out / f"{stem}.{ext}").write_bytes(data)
        (out / f"{stem}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1))
    print(f"wrote {args.count} cards to {out} (seeds {base}..{base + args.count - 1})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
