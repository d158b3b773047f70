"""Card warnings: one check per WarnCardInfos code, each scoring a CardView from 0 to 100."""

from .context import CardView, TextLine, WarnDetail

__all__ = ["CardView", "TextLine", "WarnDetail", "run_checks"]


def run_checks(view: CardView) -> list[WarnDetail]:
    """Every check that raised a warning on this card, with its score and, where local, its box."""
    return []
