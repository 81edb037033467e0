// Request hashes, HMACs and fingerprints: every computation is the core's.

import { answer, joinStrings } from './wire.js';

/** The signing functions of one instance (`wire`: its reader). */
export function signing(raw, wire) {
  const { take, put } = wire;

  // The parameters written end to end into the scratch buffer, then
  // `last`, without joining them first (a joined string is a rope, which
  // put() reads a character at a time through the runtime). Answers the
  // parameters' length, or -1 where writeScratch answers false (and for
  // anything but an array of strings: the caller's general path types it).
  function writeJoined(list, last) {
    try {
      if (!Array.isArray(list)) return -1;
      let total = last.length;
      for (let i = 0; i < list.length; i++) {
        if (typeof list[i] !== 'string') return -1;
        total += list[i].length;
      }
      if (total > 1024) return -1;
      const at = wire.scratch(total);
      let offset = at;
      for (let i = 0; i < list.length; i++) {
        if (!put(list[i], offset)) return -1;
        offset += list[i].length;
      }
      return put(last, offset) ? offset - at : -1;
    } catch {
      return -1;
    }
  }

  /** MOR request hash: lowercase hex SHA-1 of the params in order, then the secret. */
  function morHash(params, secret) {
    const written = typeof secret === 'string' ? writeJoined(params, secret) : -1;
    if (written !== -1) return answer(take(raw.morHashScratch(written, secret.length)));
    const joined = joinStrings(params);
    if (joined === null || typeof secret !== 'string') return answer(take(raw.morHashRaw(params, secret)));
    return answer(take(raw.morHashStrings(joined, secret)));
  }

  /** Constant-time check of a MOR hash; false for any wrong, short, uppercase or non-hex hash. */
  function verifyMorHash(params, secret, hash) {
    const joined = joinStrings(params);
    return answer(
      joined !== null && typeof secret === 'string' && typeof hash === 'string'
        ? take(raw.verifyMorHashStrings(joined, secret, hash))
        : take(raw.verifyMorHashRaw(params, secret, hash)),
    ) === 'true';
  }

  /** HMAC-SHA256 of message under key (UTF-8), as 'hex' (default) or 'base64url'. */
  function hmacSha256(key, message, encoding) {
    const encoded = encoding !== undefined;
    return answer(take(typeof key === 'string' && typeof message === 'string' && (!encoded || typeof encoding === 'string')
      && wire.writeScratch(key, message, encoded ? encoding : '')
      ? raw.hmacSha256Scratch(key.length, message.length, encoded ? encoding.length : 0, encoded)
      : raw.hmacSha256Raw(key, message, encoding)));
  }

  /** Constant-time check of an HMAC-SHA256 signature given in hex or base64url. */
  function verifyHmacSha256(key, message, signature) {
    return answer(take(raw.verifyHmacSha256Raw(key, message, signature))) === 'true';
  }

  /** Canonical SHA-256 of a series (pool, first, last, item code, type): an idempotency key. */
  function fingerprint(series, rules) {
    return answer(take(raw.fingerprintRaw(series, rules)));
  }

  return { morHash, verifyMorHash, hmacSha256, verifyHmacSha256, fingerprint };
}
