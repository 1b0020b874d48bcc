// The interop peer: the `jose` package from npm, driven by the Rust tests.
//
// Reads a JSON array of requests on standard input and writes a JSON array
// of results (one per request, same order) on standard output. A request:
//   { "op": "sign",    "format": "compact"|"flattened"|"general", "alg": A,
//     "jwk": {...} | "jwks": [{"jwk": {...}, "alg": A}, ...],
//     "payload_b64u": "...", "header": {...}? }
//   { "op": "verify",  "format": ..., "algs": [A...], "jwk": {...}, "token": "..." }
//   { "op": "encrypt", "format": ..., "alg": A, "enc": E, "jwk": {...},
//     "recipients": [{"jwk": {...}, "alg": A}, ...] (general), "plaintext_b64u": "...",
//     "zip": bool?, "p2c": N? }
//   { "op": "decrypt", "format": ..., "algs": [...], "encs": [...], "jwk": {...}, "token": "..." }
//   { "op": "es256k-sign" | "es256k-verify", "jwk": {...}, ... }: compact ES256K
//     through node:crypto (OpenSSL), since the jose package has no secp256k1.
//   { "op": "jwt-sign", "alg": A, "jwk": {...}, "claims": {...}, "header": {...}? }:
//     a JWT through SignJWT (the header's members beside alg, such as typ and kid).
//   { "op": "jwt-verify", "jwk": {...}, "token": "...", "algs": [A...], "now": seconds,
//     "issuer"?, "audience"?, "subject"?, "typ"?, "required"?: [...], "leeway"?: seconds,
//     "max_age"?: seconds }: jwtVerify with currentDate = now.
//   { "op": "jwt-nested-encrypt", "sign": {"alg": A, "jwk": {...}}, "claims": {...},
//     "header": {...}?, "encrypt": {"alg": A, "enc": E, "jwk": {...}} }: SignJWT, then
//     CompactEncrypt of the JWS with cty "JWT" (RFC 7519 section 5.2).
//   { "op": "jwt-nested-decrypt", "token": "...", "decrypt": {"algs": [...], "encs": [...],
//     "jwk": {...}}, "verify": {the jwt-verify members but token} }: compactDecrypt,
//     cty "JWT" checked, then jwtVerify of the plaintext.
// A result: { "ok": true, "token": "..." } or { "ok": true, "payload_b64u": "...",
//   "header": {...} } or, for jwt-verify and jwt-nested-decrypt, { "ok": true,
//   "claims": {...}, "header": {...}, "outer_header": {...}? } or
//   { "ok": false, "error": "..." }.
import * as crypto from 'node:crypto';
import * as jose from 'jose';

const input = await new Promise((resolve, reject) => {
  let data = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (c) => (data += c));
  process.stdin.on('end', () => resolve(data));
  process.stdin.on('error', reject);
});

const b64u = (bytes) => jose.base64url.encode(bytes);
const unb64u = (text) => jose.base64url.decode(text);

async function key(jwk, alg) {
  return jose.importJWK(jwk, alg);
}

async function sign(req) {
  const payload = unb64u(req.payload_b64u);
  if (req.format === 'general') {
    const signer = new jose.GeneralSign(payload);
    for (const { jwk, alg } of req.jwks) {
      signer.addSignature(await key(jwk, alg)).setProtectedHeader({ alg, kid: jwk.kid });
    }
    return { token: JSON.stringify(await signer.sign()) };
  }
  const header = { alg: req.alg, ...(req.header || {}) };
  const k = await key(req.jwk, req.alg);
  if (req.format === 'flattened') {
    const jws = await new jose.FlattenedSign(payload).setProtectedHeader(header).sign(k);
    return { token: JSON.stringify(jws) };
  }
  return { token: await new jose.CompactSign(payload).setProtectedHeader(header).sign(k) };
}

async function verify(req) {
  const options = { algorithms: req.algs };
  if (req.crit) options.crit = req.crit;
  let result;
  if (req.format === 'general') {
    const jws = JSON.parse(req.token);
    const alg = jose.decodeProtectedHeader(jws.signatures[0]).alg;
    result = await jose.generalVerify(jws, await key(req.jwk, alg), options);
  } else if (req.format === 'flattened') {
    const jws = JSON.parse(req.token);
    const alg = jose.decodeProtectedHeader(jws).alg;
    result = await jose.flattenedVerify(jws, await key(req.jwk, alg), options);
  } else {
    const alg = jose.decodeProtectedHeader(req.token).alg;
    result = await jose.compactVerify(req.token, await key(req.jwk, alg), options);
  }
  return { payload_b64u: b64u(result.payload), header: result.protectedHeader };
}

// A JWE key: PBES2 takes the password bytes (an oct JWK's k).
async function jweKey(jwk, alg) {
  if (alg.startsWith('PBES2')) return unb64u(jwk.k);
  return jose.importJWK(jwk, alg);
}

async function encrypt(req) {
  const plaintext = unb64u(req.plaintext_b64u);
  const options = req.p2c ? { p2c: req.p2c } : undefined;
  if (req.format === 'general') {
    const enc = new jose.GeneralEncrypt(plaintext).setProtectedHeader({ enc: req.enc, ...(req.zip ? { zip: 'DEF' } : {}) });
    for (const r of req.recipients) {
      enc.addRecipient(await jweKey(r.jwk, r.alg), options).setUnprotectedHeader({ alg: r.alg, kid: r.jwk.kid });
    }
    return { token: JSON.stringify(await enc.encrypt()) };
  }
  const header = { alg: req.alg, enc: req.enc, ...(req.zip ? { zip: 'DEF' } : {}) };
  const key = await jweKey(req.jwk, req.alg);
  if (req.format === 'flattened') {
    const jwe = await new jose.FlattenedEncrypt(plaintext).setProtectedHeader(header).encrypt(key, options);
    return { token: JSON.stringify(jwe) };
  }
  return { token: await new jose.CompactEncrypt(plaintext).setProtectedHeader(header).encrypt(key, options) };
}

// The key for one recipient: jose passes the protected header and the
// recipient's flattened JWE, whose headers may hold the alg instead.
const algOf = (h, t) => h.alg ?? t?.header?.alg ?? t?.unprotected?.alg;

async function decrypt(req) {
  // npm jose's own default PBES2 limit (10,000) unless the request sets one.
  const options = { keyManagementAlgorithms: req.algs, contentEncryptionAlgorithms: req.encs };
  if (req.max_p2c) options.maxPBES2Count = req.max_p2c;
  let result;
  if (req.format === 'general') {
    const jwe = JSON.parse(req.token);
    result = await jose.generalDecrypt(jwe, async (h, t) => jweKey(req.jwk, algOf(h, t)), options);
  } else if (req.format === 'flattened') {
    const jwe = JSON.parse(req.token);
    result = await jose.flattenedDecrypt(jwe, async (h, t) => jweKey(req.jwk, algOf(h, t)), options);
  } else {
    result = await jose.compactDecrypt(req.token, async (h, t) => jweKey(req.jwk, algOf(h, t)), options);
  }
  return { plaintext_b64u: b64u(result.plaintext), header: result.protectedHeader };
}

// ES256K (RFC 8812) with Node's own crypto: SHA-256, IEEE P1363 (R || S).
function es256kSign(req) {
  const key = crypto.createPrivateKey({ key: req.jwk, format: 'jwk' });
  const header = b64u(new TextEncoder().encode(JSON.stringify({ alg: 'ES256K' })));
  const input = `${header}.${req.payload_b64u}`;
  const sig = crypto.sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return { token: `${input}.${b64u(sig)}` };
}

function es256kVerify(req) {
  const key = crypto.createPublicKey({ key: req.jwk, format: 'jwk' });
  const [header, payload, sig] = req.token.split('.');
  if (jose.decodeProtectedHeader(req.token).alg !== 'ES256K') throw new Error('alg');
  const ok = crypto.verify('sha256', Buffer.from(`${header}.${payload}`),
    { key, dsaEncoding: 'ieee-p1363' }, unb64u(sig));
  if (!ok) throw new Error('signature verification failed');
  return { payload_b64u: payload };
}

// JWT: SignJWT and jwtVerify. The verify options mirror ours: allowed
// algorithms, issuer, audience, subject, typ, required claims, a fixed
// current time, leeway (clockTolerance) and maximum age.
async function jwtSign(req) {
  const header = { alg: req.alg, ...(req.header || {}) };
  return { token: await new jose.SignJWT(req.claims).setProtectedHeader(header).sign(await key(req.jwk, req.alg)) };
}

function jwtOptions(req) {
  const options = { algorithms: req.algs, currentDate: new Date(req.now * 1000) };
  if (req.issuer !== undefined) options.issuer = req.issuer;
  if (req.audience !== undefined) options.audience = req.audience;
  if (req.subject !== undefined) options.subject = req.subject;
  if (req.typ !== undefined) options.typ = req.typ;
  if (req.required !== undefined) options.requiredClaims = req.required;
  if (req.leeway !== undefined) options.clockTolerance = req.leeway;
  if (req.max_age !== undefined) options.maxTokenAge = req.max_age;
  return options;
}

async function jwtVerifyWith(token, req) {
  const alg = jose.decodeProtectedHeader(token).alg;
  const result = await jose.jwtVerify(token, await key(req.jwk, alg), jwtOptions(req));
  return { claims: result.payload, header: result.protectedHeader };
}

async function jwtVerify(req) {
  return jwtVerifyWith(req.token, req);
}

async function jwtNestedEncrypt(req) {
  const { alg, jwk } = req.sign;
  const header = { alg, ...(req.header || {}) };
  const inner = await new jose.SignJWT(req.claims).setProtectedHeader(header).sign(await key(jwk, alg));
  const e = req.encrypt;
  const token = await new jose.CompactEncrypt(new TextEncoder().encode(inner))
    .setProtectedHeader({ alg: e.alg, enc: e.enc, cty: 'JWT' })
    .encrypt(await jweKey(e.jwk, e.alg));
  return { token };
}

async function jwtNestedDecrypt(req) {
  const d = req.decrypt;
  const options = { keyManagementAlgorithms: d.algs, contentEncryptionAlgorithms: d.encs };
  const opened = await jose.compactDecrypt(req.token, async (h, t) => jweKey(d.jwk, algOf(h, t)), options);
  const cty = opened.protectedHeader.cty;
  if (typeof cty !== 'string' || cty.toLowerCase().replace(/^application\//, '') !== 'jwt') {
    throw new Error('the JWE cty is not "JWT": not a nested JWT');
  }
  const inner = new TextDecoder('utf-8', { fatal: true }).decode(opened.plaintext);
  return { ...(await jwtVerifyWith(inner, req.verify)), outer_header: opened.protectedHeader };
}

const results = [];
for (const req of JSON.parse(input)) {
  try {
    const ops = {
      sign, verify, encrypt, decrypt, 'es256k-sign': es256kSign, 'es256k-verify': es256kVerify,
      'jwt-sign': jwtSign, 'jwt-verify': jwtVerify,
      'jwt-nested-encrypt': jwtNestedEncrypt, 'jwt-nested-decrypt': jwtNestedDecrypt,
    };
    const out = await ops[req.op](req);
    results.push({ ok: true, ...out });
  } catch (e) {
    results.push({ ok: false, error: `${e.code || e.name}: ${e.message}` });
  }
}
process.stdout.write(JSON.stringify(results));
