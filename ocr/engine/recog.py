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
DET_SIDE = 608
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
                # OpenCV (card finding, warps, the face cascade, the checks) has its own thread pool
                # of one thread per core; with one process per core those threads only compete.
                import cv2

                cv2.setNumThreads(n)
                _engine = RapidOCR(
                    params={
                        "Global.log_level": "error",
                        # Detection on the card scaled down to 608 x 384 (the card's own aspect):
                        # upscaling (rapidocr's default, min side 736) doubles detection time, and
                        # card text (>= 16 px high at 856 px, so >= 11 px here) is still found;
                        # recognition uses full-size crops. One thread, best of 4: 736 x 448 ~75 ms,
                        # 640 x 416 ~52 ms, 608 x 384 ~45 ms (the model's activations stop fitting
                        # in cache above ~270k pixels). Same fields at 736, 640 and 608 on 180
                        # generated photos and 180 crops.
                        "Det.limit_side_len": DET_SIDE,
                        "Det.limit_type": "max",
                        "EngineConfig.onnxruntime.intra_op_num_threads": n,
                        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
                    }
                )
                logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return _engine


# The recogniser's input height. PaddleOCR pads every line to at least 320 px wide and batches six
# lines padded to the widest: on one CPU thread the padding is most of the work (a 5-letter value
# becomes 320 columns) and a batch of six is slower per column than single lines (it no longer fits
# in cache). So each line is read alone at its natural width.
REC_H = 48
# Except CJK: the recogniser tells simplified from traditional forms less reliably on a short line
# without the padding it was trained with, so a line that reads as CJK is read again padded to 320
# (and, when that reading is unsure, to 640 as well, keeping the more confident one).
REC_PAD_W = 320
REC_CJK_SURE = 0.95
# Lines that vote on the card's orientation (the classifier's batch size).
CLS_VOTERS = 6


def _rec_input(crop: np.ndarray, width: int) -> np.ndarray:
    import cv2

    h, w = crop.shape[:2]
    rw = max(1, min(width, int(np.ceil(REC_H * w / max(1, h)))))
    x = np.zeros((1, 3, REC_H, width), np.float32)
    resized = cv2.resize(crop, (rw, REC_H)).astype(np.float32)
    x[0, :, :, :rw] = resized.transpose(2, 0, 1) * (2 / 255.0) - 1.0
    return x


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def recognise(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """(text, score) for each line image, read one at a time at its natural width."""
    rec = get_engine()._load_rec_model()
    out = []
    for crop in crops:
        if crop.size == 0:
            out.append(("", 0.0))
            continue
        natural = max(8, int(np.ceil(REC_H * crop.shape[1] / max(1, crop.shape[0]))))
        text, score = rec.postprocess_op(rec.session(_rec_input(crop, natural)))[0][0]
        if _has_cjk(text) and natural < REC_PAD_W:
            text, score = rec.postprocess_op(rec.session(_rec_input(crop, REC_PAD_W)))[0][0]
            if score < REC_CJK_SURE:
                # Look-alike forms (黄 / 黃) flip with the padding; the more confident reading wins.
                alt, alt_score = rec.postprocess_op(rec.session(_rec_input(crop, 2 * REC_PAD_W)))[0][0]
                if alt_score > score:
                    text, score = alt, alt_score
        out.append((str(text), float(score)))
    return out


def read_card(card: np.ndarray) -> tuple[list[TextLine], bool]:
    """Text lines of the warped card, and whether the card was upside down.

    The line classifier (0° / 180°) votes, weighted by line width, and every line is then read in
    the majority orientation: a card is one rigid object, and a single line's own verdict is
    unreliable for text that reads both ways ("96000" upside down is "00096"). When the card is
    upside down the boxes are mapped into the card turned by 180°."""
    import cv2
    from rapidocr.utils.process_img import map_boxes_to_original

    eng = get_engine()
    img, op = eng.preprocess_img(card)
    try:
        crops, det = eng.detect_and_crop(img, op)
    except Exception:  # noqa: BLE001 - rapidocr raises when it finds no text at all
        return [], False
    if det.boxes is None or not crops:
        return [], False
    # The vote is weighted by width, so the widest lines decide it: classify only those (one batch
    # of the classifier) instead of every label and stray mark.
    widths = [float(np.linalg.norm(np.asarray(b[1]) - np.asarray(b[0]))) for b in det.boxes]
    voters = sorted(range(len(crops)), key=lambda i: -widths[i])[:CLS_VOTERS]
    cls = eng.cls_and_rotate([crops[i] for i in voters])[1]
    labels = cls.cls_res or [("0", 1.0)] * len(voters)
    flipped_w = total_w = 0.0
    for i, (label, conf) in zip(voters, labels):
        total_w += widths[i]
        if label == "180" and conf >= 0.6:
            flipped_w += widths[i]
    flipped = total_w > 0 and flipped_w > 0.5 * total_w
    inputs = [cv2.rotate(c, cv2.ROTATE_180) for c in crops] if flipped else crops
    texts = recognise(inputs)
    h, w = card.shape[:2]
    boxes = map_boxes_to_original(det.boxes, op, h, w)
    lines = []
    for box, (txt, score) in zip(boxes, texts):
        # As rapidocr's own output: nothing empty, nothing below its text score.
        if not txt.strip() or score < eng.text_score:
            continue
        pts = [(float(x), float(y)) for x, y in np.asarray(box).reshape(4, 2)]
        if flipped:
            pts = [(w - 1 - x, h - 1 - y) for x, y in pts]
            pts = pts[2:] + pts[:2]
        lines.append(TextLine(text=txt, score=score, box=tuple(pts)))
    return lines, flipped


def read_region(card: np.ndarray, x0: float, y0: float, x1: float, y1: float) -> tuple[str, float]:
    """Recognise one region as a single line (no detection): for small values the detector missed."""
    h, w = card.shape[:2]
    x0, y0, x1, y1 = max(0, int(x0)), max(0, int(y0)), min(w, int(x1)), min(h, int(y1))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return "", 0.0
    try:
        return recognise([np.ascontiguousarray(card[y0:y1, x0:x1])])[0]
    except Exception:  # noqa: BLE001 - nothing was read
        return "", 0.0
