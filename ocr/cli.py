"""python -m ocr recognize --action MLIDCardOCR|RecognizeSingaporeIDCardOCR [--ret-image] [--back FILE] FILE [FILE ...]

Prints one line of JSON per image, `{"Response": {...}}`, exactly what the HTTP API would answer.
Each file goes through the same request validation as the server (as ImageBase64), so limits and
errors are identical. Models load once for the whole run. Exit 0 when every line is a success.
"""

import argparse
import base64
import json
import sys
import uuid

from .errors import ACTIONS, MLID, OcrError


def _recognize(args, out) -> int:
    from .contract import recognize_request

    if args.back and args.action != MLID:
        print(f"--back is only for {MLID}", file=sys.stderr)
        return 2
    back_b64 = None
    if args.back:
        try:
            back_b64 = base64.b64encode(open(args.back, "rb").read()).decode("ascii")
        except OSError as e:
            print(f"cannot read {args.back}: {e.strerror}", file=sys.stderr)
            return 2
    status = 0
    for path in args.files:
        try:
            with open(path, "rb") as f:
                body = {"ImageBase64": base64.b64encode(f.read()).decode("ascii")}
            if back_b64:
                body["BackImageBase64"] = back_b64
            if args.ret_image:
                body["RetImage" if args.action == MLID else "ReturnHeadImage"] = True
            resp = recognize_request(args.action, body)
        except OSError as e:
            resp = OcrError("FailedOperation.ImageDecodeFailed", f"Cannot read {path}: {e.strerror}.").as_response(str(uuid.uuid4()))
        except OcrError as e:
            resp = e.as_response(str(uuid.uuid4()))
        if "Error" in resp:
            status = 1
        out.write(json.dumps({"Response": resp}, ensure_ascii=False) + "\n")
        out.flush()
    return status


def main(argv=None, out=None) -> int:
    out = out or sys.stdout
    ap = argparse.ArgumentParser(prog="python -m ocr", description="Offline Tencent-compatible ID card OCR.")
    sub = ap.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("recognize", help="recognise card images and print Tencent responses")
    rec.add_argument("--action", required=True, choices=ACTIONS)
    rec.add_argument("--ret-image", action="store_true", help="return the portrait (RetImage / ReturnHeadImage)")
    rec.add_argument("--back", metavar="FILE", help="MyKad back image (MLIDCardOCR only)")
    rec.add_argument("files", nargs="+", metavar="FILE")
    args = ap.parse_args(argv)
    return _recognize(args, out)
