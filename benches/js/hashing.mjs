// Hashing: seriesguard's morHash/hmacSha256 against node:crypto and
// WebCrypto on the short inputs requests carry (~40 bytes).
import { createHash, createHmac, webcrypto } from 'node:crypto';
import { morHash, verifyMorHash, hmacSha256 } from 'seriesguard';

export const title = 'Request hashing';
export const description = `MOR's request hash (SHA-1 over \`card_group_id‖cards_from‖cards_till‖secret\`,
lowercase hex) and HMAC-SHA256 of a 40-byte message, from JS. Peers:
\`node:crypto\` (native OpenSSL) and WebCrypto \`subtle\` (async).`;

const params = ['1', '1000000025', '1000000035'];
const secret = 'secret';
const joined = params.join('') + secret;
const message = 'V10000051..V10000060|P7WJEJANkt|virtual';
const encoder = new TextEncoder();
const hex = (buf) => Buffer.from(buf).toString('hex');

export async function groups() {
  const hmacKey = await webcrypto.subtle.importKey('raw', encoder.encode('key'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const expected = morHash(params, secret);
  return [
    {
      title: 'SHA-1 request hash (MOR), hex',
      cases: [
        { name: 'seriesguard morHash', ours: true, fn: () => morHash(params, secret) },
        { name: 'seriesguard verifyMorHash (constant time)', fn: () => verifyMorHash(params, secret, expected) },
        { name: 'node:crypto createHash("sha1")', fn: () => createHash('sha1').update(params.join('') + secret).digest('hex') },
        { name: 'WebCrypto subtle.digest("SHA-1")', async: true, batch: 20, fn: async () => hex(await webcrypto.subtle.digest('SHA-1', encoder.encode(joined))) },
      ],
    },
    {
      title: 'HMAC-SHA256, 40-byte message, hex',
      cases: [
        { name: 'seriesguard hmacSha256', ours: true, fn: () => hmacSha256('key', message) },
        { name: 'node:crypto createHmac("sha256")', fn: () => createHmac('sha256', 'key').update(message).digest('hex') },
        { name: 'WebCrypto subtle.sign("HMAC")', async: true, batch: 20, fn: async () => hex(await webcrypto.subtle.sign('HMAC', hmacKey, encoder.encode(message))) },
      ],
    },
  ];
}
