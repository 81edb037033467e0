// The wrapper's packer (pkg/lib/wire.js), below the API: numbers it writes
// as digits must be exact up to 2^53 - 1 (ids, widths, versions, and any
// number a host passes where the core expects text, which it then names).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Packer } from '../../pkg/lib/wire.js';

test('Packer.digits writes every safe integer exactly, on both sides of 2^31', () => {
  const packer = new Packer(64);
  const decoder = new TextDecoder();
  const values = [0, 7, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, 10 ** 15, 2 ** 53 - 2, 2 ** 53 - 1];
  let seed = 5;
  for (let i = 0; i < 2000; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    values.push(Math.floor((seed / 2 ** 31) * 2 ** (1 + (i % 53))));
  }
  for (const n of values) {
    packer.at = 0;
    packer.digits(n);
    assert.equal(decoder.decode(packer.done()), String(n));
  }
});
