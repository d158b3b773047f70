"""The text recogniser: rapidocr with the PP-OCRv6 models bundled in its wheel, loaded once per process.

Only the bundled models are ever selected: asking rapidocr for any other makes it download from the
internet, which this product must never do. Threads default to 1 so that one process per core
scales; OCR_THREADS overrides it.
"""

import os
import threading

import numpy as np

from ..checks.context import TextLine

_engine = None
_lock = threading.Lock()


def _threads() -> int:
    try:
        return max(1, int(os.environ.get("OCR_THREADS", "1")))
    except ValueError:
        return 1


def get_engine():
    global _engine
    if _engine is None:
        with _lock:
            if _engine is None:
                import logging

                from rapidocr import RapidOCR

                n = _threads()
                _engine = RapidOCR(
                    params={
                        "Global.log_level": "error",
                        # Detection on the warped 856 px card as it is: upscaling (rapidocr's default,
                        # min side 736) doubles detection time and reads no better on card-sized text.
                        "Det.limit_side_len": 864,
                        "Det.limit_type": "max",
                        "EngineConfig.onnxruntime.intra_op_num_threads": n,
                        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                    }
                )
                logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return _engine


def read_card(card: np.ndarray) -> tuple[list[TextLine], bool]:
    """Text lines of the warped card, and whether the card was upside down.

    The line classifier (0° / 180°) votes, weighted by line width; when most text is upside down the
    boxes are mapped into the card turned by 180° (the recogniser already read each line upright)."""
    eng = get_engine()
    img, op = eng.preprocess_img(card)
    det, cls, rec, crops = eng.run_ocr_steps(img, op)
    if det.boxes is None or rec.txts is None:
        return [], False
    flipped_w = total_w = 0.0
    labels = cls.cls_res or [("0", 1.0)] * len(det.boxes)
    out = eng.build_final_output(card, det, cls, rec, crops, op)
    # build_final_output drops empty texts; vote on the unfiltered list, which aligns with the labels.
    for box, (label, conf) in zip(det.boxes, labels):
        width = float(np.linalg.norm(np.asarray(box[1]) - np.asarray(box[0])))
        total_w += width
        if label == "180" and conf >= 0.6:
            flipped_w += width
    flipped = total_w > 0 and flipped_w > 0.5 * total_w
    h, w = card.shape[:2]
    lines = []
    if getattr(out, "txts", None) is None:
        return [], flipped
    for box, txt, score in zip(out.boxes, out.txts, out.scores):
        pts = [(float(x), float(y)) for x, y in np.asarray(box).reshape(4, 2)]
        if flipped:
            pts = [(w - 1 - x, h - 1 - y) for x, y in pts]
            pts = pts[2:] + pts[:2]
        lines.append(TextLine(text=str(txt), score=float(score), box=tuple(pts)))
    return lines, flipped


def read_region(card: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> tuple[str, float]:
    """Recognise one region as a single line (no detection): for small values the detector missed."""
    h, w = card.shape[:2]
    x0, y0, x1, y1 = max(0, int(x0)), max(0, int(y0)), min(w, int(x1)), min(h, int(y1))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return "", 0.0
    out = get_engine()(np.ascontiguousarray(card[y0:y1, x0:x1]), use_det=False, use_cls=False)
    txts = getattr(out, "txts", None)
    if not txts:
        return "", 0.0
    return str(txts[0]), float(out.scores[0])
