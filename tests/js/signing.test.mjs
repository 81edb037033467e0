// Signing from JS, checked against node:crypto and WebCrypto on random
// inputs (a seeded property test) and on published vectors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, webcrypto } from 'node:crypto';
import { morHash, verifyMorHash, hmacSha256, verifyHmacSha256, fingerprint, SeriesError } from 'seriesguard';

// xorshift32: the same random cases on every run, so a failure reproduces.
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    return x / 2 ** 32;
  };
}
const ALPHABET = ['a', 'Z', '0', '9', ' ', '-', 'é', 'ß', '中', '😀', '\u0000', '\ud800', '\udfff', '\u200f', '"', '\\'];
function randomText(next, max) {
  let s = '';
  const n = Math.floor(next() * (max + 1));
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(next() * ALPHABET.length)];
  return s;
}

test('morHash equals node:crypto SHA-1 over the UTF-8 concatenation, for 500 random cases', () => {
  const next = rng(20261125);
  for (let i = 0; i < 500; i++) {
    const params = Array.from({ length: Math.floor(next() * 5) }, () => randomText(next, 12));
    const secret = randomText(next, 16) || 's';
    const want = createHash('sha1').update(params.join('') + secret, 'utf8').digest('hex');
    assert.equal(morHash(params, secret), want, JSON.stringify({ params, secret }));
    assert.equal(verifyMorHash(params, secret, want), true);
    assert.equal(verifyMorHash(params, secret, want.toUpperCase()), want === want.toUpperCase());
    assert.equal(verifyMorHash(params, secret + 'x', want), false);
  }
});

test('hmacSha256 equals node:crypto HMAC in hex and base64url, for 500 random cases', () => {
  const next = rng(7);
  for (let i = 0; i < 500; i++) {
    const key = randomText(next, 70) || 'k';
    const message = randomText(next, 200);
    const mac = createHmac('sha256', key).update(message, 'utf8');
    const digest = mac.digest();
    assert.equal(hmacSha256(key, message), digest.toString('hex'));
    assert.equal(hmacSha256(key, message, 'base64url'), digest.toString('base64url'));
    assert.equal(verifyHmacSha256(key, message, digest.toString('base64url')), true);
    assert.equal(verifyHmacSha256(key, message + '.', digest.toString('hex')), false);
  }
});

test('WebCrypto agrees on SHA-1 and HMAC-SHA256', async () => {
  const bytes = (s) => new TextEncoder().encode(s);
  const hex = (buf) => Buffer.from(buf).toString('hex');
  const sha1 = await webcrypto.subtle.digest('SHA-1', bytes('110000000251000000035secret'));
  assert.equal(morHash(['1', '1000000025', '1000000035'], 'secret'), hex(sha1));
  const key = await webcrypto.subtle.importKey('raw', bytes('clé secrète'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const sig = await webcrypto.subtle.sign('HMAC', key, bytes('V10000051..V10000060'));
  assert.equal(hmacSha256('clé secrète', 'V10000051..V10000060'), hex(sig));
});

test("the MOR documentation's hashes reproduce", () => {
  assert.equal(morHash(['1', '1000000025', '1000000035'], 'secret'), '7e112ededcfee097cce21b6201c6d2a00dda1f4c');
  assert.equal(morHash([1, 1000000025, 1000000035n], 'secret'), '7e112ededcfee097cce21b6201c6d2a00dda1f4c', 'numbers as a query string carries them');
  assert.equal(morHash(['123', '1252454580', 'answered'], 'Very Sercet Key'), 'b93c35d5c6183288322122561a3da7e09abb63b7');
});

test('RFC 4231 test case 2, and bad arguments are coded', () => {
  assert.equal(hmacSha256('Jefe', 'what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  const coded = (fn, code) => assert.throws(fn, (e) => e instanceof SeriesError && e.code === code);
  coded(() => morHash('1,2', 'secret'), 'PARAMS_INVALID');
  coded(() => morHash([null], 'secret'), 'PARAMS_INVALID');
  coded(() => morHash([1.5], 'secret'), 'PARAMS_INVALID');
  coded(() => morHash(['1'], ''), 'SECRET_REQUIRED');
  coded(() => morHash(['1'], 42), 'SECRET_INVALID');
  coded(() => verifyMorHash(['1'], 'secret', 42), 'HASH_INVALID');
  coded(() => hmacSha256('', 'm'), 'KEY_REQUIRED');
  coded(() => hmacSha256('k', undefined), 'MESSAGE_INVALID');
  coded(() => hmacSha256('k', 'm', 'base32'), 'ENCODING_INVALID');
  assert.equal(verifyMorHash(['1'], 'secret', 'not hex at all'), false);
  assert.equal(verifyHmacSha256('k', 'm', ''), false);
});

test('fingerprint is the documented canonical SHA-256, equal for equivalent inputs', () => {
  const canonical = (fields) => 'seriesguard-fingerprint-v1\n'
    + Object.entries(fields).map(([k, v]) => `${k}:${Buffer.byteLength(v)}:${v}\n`).join('');
  const want = createHash('sha256').update(canonical({
    prefix: 'V', suffix: '', padding: '8', scheme: 'none', first: '10000051', last: '10000060', item_code: 'P7WJEJANkt', type: 'virtual',
  })).digest('hex');
  assert.equal(fingerprint({ start: 'V10000051', end: 'V10000060', item_code: 'P7WJEJANkt' }), want);
  assert.equal(fingerprint({ start: ' V10000051 ', end: 'V10000060', item_code: ' P7WJEJANkt ', type: 'virtual' }), want);
  assert.notEqual(fingerprint({ start: 'V010000051', end: 'V010000060', item_code: 'P7WJEJANkt' }), want);
  const awb = createHash('sha256').update(canonical({
    prefix: '020', suffix: '', padding: '7', scheme: 'mod7', first: '1234567', last: '1234568', item_code: '', type: 'physical',
  })).digest('hex');
  assert.equal(fingerprint({ start: '02012345675', end: '02012345686', type: 'physical' }, { format: 'awb' }), awb);
  assert.throws(() => fingerprint({ start: 'V2', end: 'V1', item_code: 5 }), (e) => e.code === 'START_AFTER_END'
    && e.details.issues.map((i) => i.code).join() === 'START_AFTER_END,ITEM_CODE_INVALID');
});

test('the short-ASCII path and the general path answer alike (hashes, HMACs, encodings, errors)', () => {
  const next = rng(20261127);
  const ascii = (n) => Array.from({ length: n }, () => String.fromCharCode(32 + Math.floor(next() * 95))).join('');
  for (let i = 0; i < 200; i++) {
    // Short ASCII arguments are written into wasm's scratch buffer; long or non-ASCII ones are passed as strings.
    const long = i % 4 === 0;
    const key = ascii(long ? 700 : 1 + (i % 40)) + (i % 5 === 0 ? 'é' : '');
    const message = ascii(long ? 700 : i % 60);
    for (const encoding of [undefined, 'hex', 'base64url']) {
      const mac = createHmac('sha256', Buffer.from(key, 'utf8')).update(message, 'utf8').digest(encoding ?? 'hex');
      assert.equal(hmacSha256(key, message, encoding), mac, JSON.stringify({ key, message, encoding }));
    }
    const params = [ascii(i % 12), ascii(long ? 900 : 10)];
    assert.equal(morHash(params, key), createHash('sha1').update(params.join('') + key, 'utf8').digest('hex'));
  }
  for (const encoding of ['', 'HEX', 'base64', 5]) {
    assert.throws(() => hmacSha256('key', 'message', encoding), { code: 'ENCODING_INVALID' }, String(encoding));
  }
  assert.throws(() => hmacSha256('', 'message'), { code: 'KEY_REQUIRED' });
  assert.throws(() => morHash(['1'], ''), (e) => e instanceof SeriesError && e.code === 'SECRET_REQUIRED');
});
