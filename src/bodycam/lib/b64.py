import base64


def b64(data: bytes) -> str:
    """Standard base64 text, as RFC 6962 test data and C2SP formats use."""
    return base64.b64encode(data).decode("ascii")
