"""ID-card OCR that speaks Tencent Cloud's MLIDCardOCR and RecognizeSingaporeIDCardOCR contracts.

The engine and the client import and run without Django. Django only wraps them (``ocr.server``:
the API 3.0 endpoint and its keys).
"""
