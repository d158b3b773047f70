"""Card warnings: one check per WarnCardInfos code, each scoring a CardView from 0 to 100."""

from . import blur, covered, edited, glare, photocopy, recapture
from .context import CardView, TextLine, WarnDetail

__all__ = ["CardView", "TextLine", "WarnDetail", "run_checks", "CHECKS"]

# Each module: CODE, DEFAULT_THRESHOLD, score(view) -> 0-100, check(view) -> WarnDetail | None.
CHECKS = (covered, photocopy, recapture, edited, glare, blur)


def run_checks(view: CardView) -> list[WarnDetail]:
    """Every check that raised a warning on this card, with its score and, where local, its box."""
    return [d for d in (c.check(view) for c in CHECKS) if d is not None]
