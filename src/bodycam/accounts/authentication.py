"""How the API recognises a program: `Authorization: Token <key>` with a hashed, expiring,
revocable key (tokens.py)."""

from rest_framework import authentication, exceptions
from rest_framework.request import Request

from bodycam.accounts import tokens
from bodycam.lib.errors import Refused

KEYWORD = "Token"


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """DRF authentication by API token; None (try the next method) when no token is sent."""

    def authenticate(self, request: Request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(tokens.INVALID, code="invalid_token")
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(tokens.INVALID, code="invalid_token") from None
        try:
            return tokens.user_for_key(key)
        except Refused as refusal:
            raise exceptions.AuthenticationFailed(refusal.text(), code=refusal.code) from None

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD
