"""A small, real OIDC provider for Prism's end-to-end auth tests.

Usage:
    .build/pyenv/bin/python oidc_provider.py --port 0 [--token-ttl 300] [--device-code-ttl 300] [--verbose]

Prints `oidc provider listening http://127.0.0.1:PORT` once ready; that URL is the issuer.
All JOSE work (key generation, JWKS, JWS signing) is done by joserfc.

Standard endpoints:
    GET  /.well-known/openid-configuration    discovery (503 while in outage)
    GET  /jwks                                public keys: RS256, ES256, EdDSA (503 while in outage)
    POST /device_authorization                RFC 8628 (form: client_id, scope; expires_in overrides the TTL)
    POST /token                               grant_type = device_code | refresh_token | client_credentials
    GET/POST /device                          HTML form for a human to approve a user_code
Test hooks (JSON bodies):
    POST /test/token    {"alg", "claims", "expires_in", "kid", "header", "unsigned", "hs256_with_public_key"}
    POST /test/rotate   {"alg": "RS256", "retire_old": false} -> {"kid"}
    POST /test/outage   {"down": true|false}
    POST /test/approve  {"user_code", "sub", "claims", "deny"}
    GET  /test/stats    -> {"jwks_requests", "token_requests"}
A null value in "claims" or "header" removes that field, e.g. {"claims": {"exp": null}}.
"""
import argparse
import base64
import html
import json
import secrets
import threading
import time
import urllib.parse
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from joserfc import jwk, jwt
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import KeySet, OctKey
from joserfc.jws import JWSRegistry
from joserfc.registry import HeaderParameter

# joserfc warns on EdDSA (superseded by "Ed25519" in RFC 9864) and on "none"; producing them is the point here.
warnings.filterwarnings("ignore", category=SecurityWarning)

KEY_SPECS = {"RS256": ("RSA", 2048), "ES256": ("EC", "P-256"), "EdDSA": ("OKP", "Ed25519")}
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
CLIENTS = {"prism-test": "secret"}  # confidential clients for client_credentials
AUDIENCE = "prism"
USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"  # RFC 8628 §6.1: no vowels, no look-alikes


class OAuthError(Exception):
    def __init__(self, error, description="", status=400):
        super().__init__(error)
        self.error, self.description, self.status = error, description, status


def _drop_nulls(d):
    return {k: v for k, v in d.items() if v is not None}


class Provider:
    def __init__(self, token_ttl, device_code_ttl):
        self.lock = threading.Lock()
        self.issuer = ""
        self.token_ttl, self.device_code_ttl = token_ttl, device_code_ttl
        self.keys = []  # every published key, oldest first
        self.current = {}  # alg -> the key new tokens of that alg are signed with
        for alg in KEY_SPECS:
            self._add_key(alg)
        self.down = False
        self.stats = {"jwks_requests": 0, "token_requests": 0}
        self.devices = {}  # device_code -> pending authorization
        self.refresh_tokens = {}  # refresh_token -> (client_id, sub, scope, extra claims)

    def _add_key(self, alg):
        kty, size = KEY_SPECS[alg]
        kid = f"{alg.lower()}-{secrets.token_hex(4)}"
        key = jwk.generate_key(kty, size, {"kid": kid, "alg": alg, "use": "sig"})
        self.keys.append(key)
        self.current[alg] = key
        return key

    def rotate(self, alg="RS256", retire_old=False):
        if alg not in KEY_SPECS:
            raise OAuthError("invalid_request", f"unknown alg {alg}")
        with self.lock:
            new = self._add_key(alg)
            if retire_old:
                self.keys = [k for k in self.keys if k.alg != alg or k is new]
        return {"kid": new.kid}

    def jwks(self):
        with self.lock:
            return KeySet(list(self.keys)).as_dict(private=False)

    def discovery(self):
        base = self.issuer
        return {
            "issuer": base,
            "jwks_uri": base + "/jwks",
            "token_endpoint": base + "/token",
            "device_authorization_endpoint": base + "/device_authorization",
            "grant_types_supported": [DEVICE_GRANT, "refresh_token", "client_credentials"],
            "response_types_supported": ["token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": list(KEY_SPECS),
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        }

    def mint(self, alg="RS256", claims=None, expires_in=None, kid=None, header=None,
             unsigned=False, hs256_with_public_key=False):
        now = int(time.time())
        ttl = self.token_ttl if expires_in is None else int(expires_in)
        payload = _drop_nulls({"iss": self.issuer, "aud": AUDIENCE, "sub": "tester", "iat": now,
                               "nbf": now, "exp": now + ttl, "jti": secrets.token_hex(8), **(claims or {})})
        with self.lock:
            rsa = self.current["RS256"]
            key = self.current.get(alg)
        if unsigned:
            alg, key = "none", None
        elif hs256_with_public_key:
            # Key confusion: HMAC keyed with the RSA public key PEM a verifier would have. OctKey.import_key
            # rightly refuses PEM input, so the key object is built directly.
            pem = rsa.as_pem(private=False)
            alg, key, kid = "HS256", OctKey(pem, pem), kid or rsa.kid
        elif key is None:
            raise OAuthError("invalid_request", f"unknown alg {alg}")
        extra = {k: v for k, v in (header or {}).items() if k != "alg"}
        hdr = {"typ": "JWT", "alg": alg, "kid": kid or (key.kid if key is not None else None), **extra}
        # Tests' header fields are registered as accept-anything so they may be unknown, named in `crit`,
        # or malformed (a bad `jku`, say): judging them is the verifier's job, not the minter's.
        anything = {k: HeaderParameter("test-supplied", lambda _: None) for k in extra}
        registry = JWSRegistry(header_registry=anything, algorithms=[alg], strict_check_header=False)
        return jwt.encode(_drop_nulls(hdr), payload, key, registry=registry, default_type=None)

    # --- OAuth 2.0 ---------------------------------------------------------------------------

    def device_authorization(self, form):
        client_id = form.get("client_id")
        if not client_id:
            raise OAuthError("invalid_client", "client_id is required", 401)
        device_code = secrets.token_urlsafe(32)
        user_code = "".join(secrets.choice(USER_CODE_ALPHABET) for _ in range(8))
        user_code = user_code[:4] + "-" + user_code[4:]
        ttl = int(form.get("expires_in") or self.device_code_ttl)  # non-standard override for tests
        with self.lock:
            self.devices[device_code] = {
                "client_id": client_id, "scope": form.get("scope", ""), "user_code": user_code,
                "expires_at": time.monotonic() + ttl, "interval": 1, "last_poll": None,
                "approved": None, "denied": False,
            }
        return {
            "device_code": device_code, "user_code": user_code,
            "verification_uri": self.issuer + "/device",
            "verification_uri_complete": self.issuer + "/device?user_code=" + user_code,
            "expires_in": ttl, "interval": 1,
        }

    def approve(self, user_code, sub="alice", claims=None, deny=False):
        with self.lock:
            for dev in self.devices.values():
                if dev["user_code"] == (user_code or "").upper() and time.monotonic() < dev["expires_at"]:
                    dev["denied"] = bool(deny)
                    dev["approved"] = None if deny else (sub, claims or {})
                    return {"approved": not deny}
        raise OAuthError("invalid_grant", "unknown or expired user_code", 404)

    def token(self, form, basic_auth):
        with self.lock:
            self.stats["token_requests"] += 1
        grant = form.get("grant_type")
        if grant == DEVICE_GRANT:
            client_id, sub, scope, extra = self._poll_device(form.get("device_code", ""))
        elif grant == "refresh_token":
            with self.lock:
                entry = self.refresh_tokens.pop(form.get("refresh_token", ""), None)  # one use: rotation
            if entry is None:
                raise OAuthError("invalid_grant", "unknown or already used refresh_token")
            client_id, sub, scope, extra = entry
        elif grant == "client_credentials":
            client_id, secret = basic_auth or (form.get("client_id"), form.get("client_secret"))
            if not client_id or CLIENTS.get(client_id) != secret:
                raise OAuthError("invalid_client", "bad client credentials", 401)
            scope = form.get("scope", "")
            return self._issue(client_id, client_id, scope, {}, refresh=False)
        else:
            raise OAuthError("unsupported_grant_type", f"grant_type {grant!r}")
        return self._issue(client_id, sub, scope, extra, refresh=True)

    def _poll_device(self, device_code):
        now = time.monotonic()
        with self.lock:
            dev = self.devices.get(device_code)
            if dev is None:
                raise OAuthError("invalid_grant", "unknown or already redeemed device_code")
            if now >= dev["expires_at"]:
                raise OAuthError("expired_token", "device_code expired")
            # 50 ms of slack so a client sleeping exactly `interval` is not punished for timer jitter.
            too_fast = dev["last_poll"] is not None and now - dev["last_poll"] < dev["interval"] - 0.05
            dev["last_poll"] = now
            if too_fast:
                dev["interval"] += 5  # RFC 8628 §3.5: slow_down adds 5 s for all later polls
                raise OAuthError("slow_down", f"poll at most every {dev['interval']} s")
            if dev["denied"]:
                del self.devices[device_code]
                raise OAuthError("access_denied", "the user denied the request")
            if dev["approved"] is None:
                raise OAuthError("authorization_pending", "waiting for the user")
            del self.devices[device_code]
            sub, extra = dev["approved"]
            return dev["client_id"], sub, dev["scope"], extra

    def _issue(self, client_id, sub, scope, extra, refresh):
        claims = {"sub": sub, "client_id": client_id, **({"scope": scope} if scope else {}), **extra}
        response = {"access_token": self.mint("RS256", claims, self.token_ttl),
                    "token_type": "Bearer", "expires_in": self.token_ttl, **({"scope": scope} if scope else {})}
        if refresh:
            refresh_token = secrets.token_urlsafe(32)
            with self.lock:
                self.refresh_tokens[refresh_token] = (client_id, sub, scope, extra)
            response["refresh_token"] = refresh_token
        return response


DEVICE_PAGE = """<!doctype html><title>Prism test login</title><h1>Approve device</h1>{message}
<form method="post" action="/device"><label>Code <input name="user_code" value="{user_code}"></label>
<label>User <input name="sub" value="alice"></label> <button>Approve</button></form>"""


class Handler(BaseHTTPRequestHandler):
    provider: Provider = None
    verbose = False

    def log_message(self, fmt, *args):
        if self.verbose:
            super().log_message(fmt, *args)

    def _send(self, status, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def _body(self):
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _json(self):
        raw = self._body()
        try:
            return json.loads(raw) if raw.strip() else {}
        except ValueError as e:
            raise OAuthError("invalid_request", f"bad JSON: {e}")

    def _form(self):
        return dict(urllib.parse.parse_qsl(self._body().decode()))

    def _basic_auth(self):
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Basic "):
            return None
        user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
        return urllib.parse.unquote_plus(user), urllib.parse.unquote_plus(password)  # RFC 6749 §2.3.1 form-encodes them

    def do_GET(self):
        p = self.provider
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/jwks":
            with p.lock:
                p.stats["jwks_requests"] += 1  # counted during outages too: attempts are what rate limits bound
        if url.path in ("/jwks", "/.well-known/openid-configuration") and p.down:
            return self._send(503, {"error": "temporarily_unavailable"})
        if url.path == "/jwks":
            return self._send(200, p.jwks())
        if url.path == "/.well-known/openid-configuration":
            return self._send(200, p.discovery())
        if url.path == "/test/stats":
            with p.lock:
                return self._send(200, dict(p.stats))
        if url.path == "/device":
            code = urllib.parse.parse_qs(url.query).get("user_code", [""])[0]
            return self._send(200, DEVICE_PAGE.format(message="", user_code=html.escape(code)), "text/html")
        self._send(404, {"error": "not_found"})

    def do_POST(self):
        p = self.provider
        path = urllib.parse.urlsplit(self.path).path
        try:
            if path == "/token":
                return self._send(200, p.token(self._form(), self._basic_auth()))
            if path == "/device_authorization":
                return self._send(200, p.device_authorization(self._form()))
            if path == "/device":
                form = self._form()
                try:
                    p.approve(form.get("user_code"), form.get("sub") or "alice")
                    msg = "<p>Approved. You can close this page.</p>"
                except OAuthError as e:
                    msg = f"<p>{html.escape(e.description)}</p>"
                return self._send(200, DEVICE_PAGE.format(message=msg, user_code=""), "text/html")
            if path == "/test/token":
                return self._send(200, {"access_token": p.mint(**self._json())})
            if path == "/test/rotate":
                return self._send(200, p.rotate(**self._json()))
            if path == "/test/outage":
                p.down = bool(self._json().get("down"))
                return self._send(200, {"down": p.down})
            if path == "/test/approve":
                return self._send(200, p.approve(**self._json()))
            self._send(404, {"error": "not_found"})
        except OAuthError as e:
            self._send(e.status, {"error": e.error, "error_description": e.description})
        except (TypeError, JoseError) as e:  # unknown field in a test hook's body, or a header joserfc can't sign
            self._send(400, {"error": "invalid_request", "error_description": str(e)})
        except Exception as e:  # answer rather than drop the connection, so the test sees why
            self._send(500, {"error": "server_error", "error_description": repr(e)})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token-ttl", type=int, default=300, help="access token lifetime, seconds")
    parser.add_argument("--device-code-ttl", type=int, default=300, help="device_code lifetime, seconds")
    parser.add_argument("--verbose", action="store_true", help="log requests to stderr")
    args = parser.parse_args()

    Handler.provider = Provider(args.token_ttl, args.device_code_ttl)
    Handler.verbose = args.verbose
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)  # its threads are daemons already
    Handler.provider.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    print(f"oidc provider listening {Handler.provider.issuer}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:  # Ctrl-C during manual use; tests just SIGTERM it
        pass


if __name__ == "__main__":
    main()
