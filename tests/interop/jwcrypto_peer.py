"""The Python interop peer: jwcrypto, driven by the Rust tests.

Reads a JSON array of requests on standard input and writes a JSON array of
results (one per request, same order) on standard output, like peer.mjs:
  {"op": "sign", "format": "compact"|"flattened"|"general", "alg": A,
   "jwk": {...} | "jwks": [{"jwk": {...}, "alg": A}, ...], "payload_b64u": "..."}
  {"op": "verify", "format": ..., "algs": [A...], "jwk": {...}, "token": "..."}
  {"op": "encrypt", "format": ..., "alg": A, "enc": E, "jwk": {...},
   "plaintext_b64u": "...", "p2c": N?}
  {"op": "decrypt", "algs": [...], "encs": [...], "jwk": {...}, "token": "...",
   "max_p2c": N?}: jwcrypto's own default PBES2 limit (16,384) unless given.
A result: {"ok": true, "token": "..."}, {"ok": true, "payload_b64u": "...",
"header": {...}} or {"ok": false, "error": "..."}.
"""

import base64
import json
import sys

from jwcrypto import jwa, jwe, jwk, jws


def b64u(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key(obj):
    return jwk.JWK(**obj)


def sign(req):
    payload = unb64u(req["payload_b64u"])
    token = jws.JWS(payload)
    if req["format"] == "general":
        for item in req["jwks"]:
            header = {"alg": item["alg"]}
            if "kid" in item["jwk"]:
                header["kid"] = item["jwk"]["kid"]
            token.add_signature(key(item["jwk"]), None, json.dumps(header))
        return {"token": token.serialize(compact=False)}
    token.add_signature(key(req["jwk"]), None, json.dumps({"alg": req["alg"]}))
    return {"token": token.serialize(compact=req["format"] == "compact")}


def verify(req):
    token = jws.JWS()
    token.allowed_algs = req["algs"]
    token.deserialize(req["token"])
    token.verify(key(req["jwk"]))
    header = token.jose_header
    if isinstance(header, list):
        header = header[0]
    return {"payload_b64u": b64u(token.payload), "header": header}


def encrypt(req):
    protected = {"alg": req["alg"], "enc": req["enc"]}
    if "p2c" in req:
        protected["p2c"] = req["p2c"]
    token = jwe.JWE(
        unb64u(req["plaintext_b64u"]),
        protected=json.dumps(protected),
        algs=[req["alg"], req["enc"]],
    )
    token.add_recipient(key(req["jwk"]))
    return {"token": token.serialize(compact=req["format"] == "compact")}


def decrypt(req):
    if "max_p2c" in req:
        jwa.default_max_pbkdf2_iterations = req["max_p2c"]
    else:
        jwa.default_max_pbkdf2_iterations = 16384
    token = jwe.JWE(algs=req["algs"] + req["encs"])
    token.deserialize(req["token"], key=key(req["jwk"]))
    return {"payload_b64u": b64u(token.payload), "header": token.jose_header}


OPS = {"sign": sign, "verify": verify, "encrypt": encrypt, "decrypt": decrypt}


def run(req):
    try:
        result = OPS[req["op"]](req)
        result["ok"] = True
        return result
    except Exception as e:  # every failure is a result, never a crash
        return {"ok": False, "error": f"{type(e).__name__}: {e}"}


def main():
    requests = json.load(sys.stdin)
    json.dump([run(r) for r in requests], sys.stdout)


if __name__ == "__main__":
    main()
