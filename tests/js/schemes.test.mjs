// Check digits and named formats from JS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateSeries, countSeries, parseSerial, checkDigit, verifyCheckDigit, SeriesError } from 'seriesguard';

test('checkDigit computes each scheme on published serials', () => {
  assert.equal(checkDigit('s10', '47312482'), '9'); // UPU S10: RR473124829GB
  assert.equal(checkDigit('mod7', '1234567'), '5'); // IATA AWB 176-12345675
  assert.equal(checkDigit('awb', '8114074'), '3'); // AWB 020-81140743
  assert.equal(checkDigit('luhn', '49015420323751'), '8'); // IMEI 490154203237518
  assert.equal(checkDigit('gs1', '400638133393'), '1'); // EAN-13 4006381333931
  assert.equal(checkDigit('iccid', '896588081210001114'), '6');
});

test('verifyCheckDigit answers booleans for strings, errors only for bad arguments', () => {
  assert.equal(verifyCheckDigit('s10', 'RR473124829GB'), true);
  assert.equal(verifyCheckDigit('s10', 'RR473124828GB'), false);
  assert.equal(verifyCheckDigit('awb', '02081140743'), true);
  assert.equal(verifyCheckDigit('imei', '490154203237518'), true);
  assert.equal(verifyCheckDigit('imei', '490154203273518'), false, 'adjacent transposition');
  assert.equal(verifyCheckDigit('gtin', '4006381333931'), true);
  assert.equal(verifyCheckDigit('luhn', ''), false);
  assert.throws(() => verifyCheckDigit('crc32', '1'), { name: 'SeriesError', code: 'SCHEME_INVALID', field: 'scheme' });
  assert.throws(() => verifyCheckDigit('luhn', 79927398713), { code: 'SERIAL_INVALID' });
  assert.throws(() => checkDigit('s10', '1234567'), { code: 'WIDTH_MISMATCH' });
  assert.throws(() => checkDigit('luhn', '12-3'), SeriesError);
});

test('a wrong check digit on end is CHECK_DIGIT_INVALID on end with the expected digit', () => {
  const v = validateSeries({ start: '020-12345675', end: '020-12345685' }, { format: 'awb' });
  assert.equal(v.ok, false);
  assert.deepEqual(v.issues, [
    { code: 'CHECK_DIGIT_INVALID', field: 'end', message: 'end check digit should be 6, not 5 (mod7)' },
  ]);
});

test('series over a scheme count serials, not written numbers', () => {
  assert.equal(countSeries('02012345675', '02012345686', { format: 'awb' }), 2n);
  assert.equal(countSeries('RR473124829GB', 'RR473124832GB', { format: 's10' }), 2n);
  assert.equal(countSeries('79927398713', '79927398721', { scheme: 'luhn' }), 2n);
  assert.throws(() => countSeries('4006381333931', '4006381333932', { format: 'gtin' }), { code: 'CHECK_DIGIT_INVALID', field: 'end' });
});

test('parseSerial sets the check digit apart', () => {
  assert.deepEqual(parseSerial('RR473124829GB', { format: 's10' }), {
    text: 'RR473124829GB', prefix: 'RR', body: '47312482', width: 8, suffix: 'GB', checkDigit: '9',
  });
  assert.deepEqual(parseSerial('02012345675', { format: 'awb' }).prefix, '020');
  assert.throws(() => parseSerial('RR473124828GB', { scheme: 's10' }), { code: 'CHECK_DIGIT_INVALID', field: 'serial' });
});

test('scheme and format options are validated', () => {
  const codes = (rules) => validateSeries({ start: '1', end: '2' }, rules).issues.map((i) => `${i.code} ${i.field}`);
  assert.deepEqual(codes({ scheme: 'md5' }), ['RULES_INVALID rules.scheme']);
  assert.deepEqual(codes({ format: 42 }), ['RULES_INVALID rules.format']);
  assert.ok(codes({ format: 'awb', scheme: 'luhn' }).includes('RULES_INVALID rules.scheme'));
});
