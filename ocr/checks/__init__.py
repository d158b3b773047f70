"""Card warnings: one check per WarnCardInfos code, each scoring a CardView from 0 to 100.

Comments on thresholds cite the development sets of `bench/warnings_views.py` by seed: dev1001
(seed 1001, 12 images per degradation), val2002 (seed 2002, 4 per degradation) and further seeds
named where used. Reported figures come from other seeds (bench/results/warnings.md)."""

import logging

from . import blur, covered, edited, glare, photocopy, recapture
from .common import ThresholdError
from .context import CardView, TextLine, WarnDetail

__all__ = ["CardView", "TextLine", "WarnDetail", "run_checks", "CHECKS"]

# Each module: CODE, DEFAULT_THRESHOLD, score(view) -> 0-100, check(view) -> WarnDetail | None.
CHECKS = (covered, photocopy, recapture, edited, glare, blur)


log = logging.getLogger(__name__)


def run_checks(view: CardView) -> list[WarnDetail]:
    """Every check that raised a warning on this card, with its score and, where local, its box.
    A check that fails on an unusual image is logged and raises nothing: a warning is advice to
    the reviewer, and its bug must not cost the customer the recognition itself."""
    out = []
    for c in CHECKS:
        try:
            d = c.check(view)
        except ThresholdError:
            raise  # a bad setting must fail loudly: ignored, it would switch a warning off
        except Exception:  # noqa: BLE001 - any bug in one check; the others still run
            log.exception("card check %s failed", c.CODE)
            continue
        if d is not None:
            out.append(d)
    return out
