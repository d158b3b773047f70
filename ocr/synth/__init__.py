"""Synthetic identity cards with ground truth, for tests, benchmarks and demo data.

    image_bytes, truth = generate_card("MyKad", seed=7, scene="photo")

`kind` is a Tencent MLIDCardOCR `Type` (MyKad, MyPR, MyTentera, MyKAS, POLIS, IKAD, MyKid) or "SG"
(pink citizen or blue PR card). `side` is "front" or "back"; the same seed gives the same person on
both sides. `truth` holds the Tencent response fields the card should produce (empty strings for
absent ones) plus private keys starting with "_" (kind, side, scene, and, for photos, the card
corners in image pixels). Scenes:

- "crop": the card alone, a tight scan-like crop, mild scale change only;
- "photo": a phone photo — card fills 60-95% of the frame, any multiple of 90° plus up to ±15°,
  mild perspective, lighting gradient, JPEG;
- "degraded": as "photo" plus blur, noise, stronger perspective and JPEG quality 40.
"""

from .cards import KINDS, MY_KINDS, render_card
from .scene import photograph

__all__ = ["KINDS", "MY_KINDS", "generate_card", "render_card", "photograph"]


def generate_card(kind: str, seed: int, side: str = "front", scene: str = "crop") -> tuple[bytes, dict]:
    import random

    card, truth = render_card(kind, seed, side)
    # A different stream for the scene, so that the same person can be photographed differently.
    rng = random.Random(f"scene:{kind}:{seed}:{side}:{scene}")
    data, quad = photograph(card, rng, scene)
    truth = dict(truth, _scene=scene, _quad=quad)
    return data, truth
