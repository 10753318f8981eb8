"""Base64 as the ledger's proofs, checkpoints and notes write it (standard alphabet, padded)."""

import base64


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def unb64(text: str) -> bytes:
    return base64.b64decode(text)
