import fc from 'fast-check';
import { getCountries, getExampleNumber } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { describe, expect, it } from 'vitest';
import { iccidMatches, iccidProblem, luhnValid } from '../../src/shared/iccid.js';
import { maskMsisdn, parseMsisdn } from '../../src/shared/msisdn.js';

const digits = (min: number, max: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));

describe('parseMsisdn', () => {
  it('accepts valid E.164 numbers as they are', () => {
    for (const n of ['+8613800138000', '+85291234567', '+12025550123', '+447911123456', '+4915123456789', '+6591234567']) expect(parseMsisdn(n), n).toBe(n);
  });

  it('rejects numbers without the leading +', () => {
    expect(parseMsisdn('8613800138000')).toBeUndefined();
    expect(parseMsisdn('008613800138000')).toBeUndefined();
    expect(parseMsisdn('13800138000')).toBeUndefined();
  });

  it('rejects letters, spaces and punctuation', () => {
    for (const n of ['+86138001380OO', '+8613800138000x', '+86 13800138000', '+86-138-0013-8000', '+86(138)00138000', ' +8613800138000', 'abc', ''])
      expect(parseMsisdn(n), n).toBeUndefined();
  });

  it('rejects numbers that are well formed but invalid', () => {
    // Too short / too long for China, a Hong Kong number starting with 1, a leading 0 country code, too long for E.164.
    for (const n of ['+86138001380', '+861380013800', '+86138001380001', '+85212345678', '+0013800138000', '+8613800138000123', '+8617'])
      expect(parseMsisdn(n), n).toBeUndefined();
  });

  it('accepts any China Mobile 138 number and refuses it without + or with a letter', () => {
    fc.assert(
      fc.property(digits(8, 8), fc.nat(10), fc.constantFrom('a', 'O', 'x', ' ', '-'), (rest, at, junk) => {
        const n = `+86138${rest}`;
        expect(parseMsisdn(n)).toBe(n);
        expect(parseMsisdn(n.slice(1))).toBeUndefined();
        const i = 1 + (at % (n.length - 1));
        expect(parseMsisdn(`${n.slice(0, i)}${junk}${n.slice(i)}`)).toBeUndefined();
      }),
    );
  });
});

describe('maskMsisdn', () => {
  it('follows the api-v1 examples', () => {
    expect(maskMsisdn('+8613800138000')).toBe('+86 138****8000');
    expect(maskMsisdn('+85291234567')).toBe('+852 ****4567');
  });

  it('shows the first 3 national digits only for 10 or more', () => {
    expect(maskMsisdn('+12025550123')).toBe('+1 202****0123');
    expect(maskMsisdn('+447911123456')).toBe('+44 791****3456');
    expect(maskMsisdn('+6591234567')).toBe('+65 ****4567');
    expect(maskMsisdn('+33612345678')).toBe('+33 ****5678');
  });

  it('masks any Chinese mobile and any Hong Kong mobile by the rule', () => {
    fc.assert(
      fc.property(digits(8, 8), (rest) => {
        expect(maskMsisdn(`+86138${rest}`)).toBe(`+86 138****${rest.slice(4)}`);
        expect(maskMsisdn(`+8529${rest.slice(1)}`)).toBe(`+852 ****${rest.slice(4)}`);
      }),
    );
  });

  it("splits the country code as libphonenumber's full parse does, for every country's example mobile number", () => {
    let checked = 0;
    for (const country of getCountries()) {
      const example = getExampleNumber(country, examples);
      if (!example) continue;
      const national = example.nationalNumber;
      const last4 = national.slice(-4);
      const expected = `+${example.countryCallingCode} ${national.length >= 10 ? `${national.slice(0, 3)}****${last4}` : `****${last4}`}`;
      expect(maskMsisdn(example.number), example.number).toBe(expected);
      checked++;
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('never reveals the middle digits', () => {
    fc.assert(
      fc.property(digits(8, 8), (rest) => {
        const masked = maskMsisdn(`+86138${rest}`);
        expect(masked.replace(/\D/g, '')).toBe(`86138${rest.slice(4)}`);
      }),
    );
  });
});

const DOUBLED = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];

/** The Luhn check digit for a payload: double every second digit counting from the check digit. */
function checkDigit(payload: string): string {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    const d = Number(payload[i]);
    const fromRight = payload.length - i; // the check digit would be position 0
    sum += fromRight % 2 === 1 ? (DOUBLED[d] ?? Number.NaN) : d;
  }
  return String((10 - (sum % 10)) % 10);
}

const iccidArb = fc
  .constantFrom(19, 20)
  .chain((length) => digits(length - 3, length - 3))
  .map((body) => `89${body}${checkDigit(`89${body}`)}`);

describe('luhnValid', () => {
  it('knows the textbook examples', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
    expect(luhnValid('8986001234567890120')).toBe(true);
    expect(luhnValid('89860012345678901238')).toBe(true);
    expect(luhnValid('89860012345678901237')).toBe(false);
  });

  it('accepts exactly one check digit for any payload', () => {
    fc.assert(
      fc.property(digits(1, 25), (payload) => {
        const good = checkDigit(payload);
        for (let d = 0; d <= 9; d++) expect(luhnValid(`${payload}${d}`)).toBe(String(d) === good);
      }),
    );
  });
});

describe('iccidProblem', () => {
  it('accepts 19- and 20-digit ICCIDs starting 89 with a good check digit', () => {
    expect(iccidProblem('8986001234567890120')).toBeUndefined();
    expect(iccidProblem('89860012345678901238')).toBeUndefined();
    expect(iccidProblem('89852000000000000008')).toBeUndefined();
    fc.assert(
      fc.property(iccidArb, (iccid) => {
        expect(iccidProblem(iccid)).toBeUndefined();
      }),
    );
  });

  it('names each problem', () => {
    expect(iccidProblem('8986001234567890123A')?.en).toMatch(/digits only/);
    expect(iccidProblem('8986 0012 3456 7890 120')?.en).toMatch(/digits only/);
    expect(iccidProblem('')?.en).toMatch(/digits only/);
    expect(iccidProblem('898600123456789012')?.en).toMatch(/19 or 20/); // 18
    expect(iccidProblem('898600123456789012388')?.en).toMatch(/19 or 20/); // 21
    expect(iccidProblem('8886001234567890125')?.en).toMatch(/starts with 89/);
    expect(iccidProblem('89860012345678901237')?.en).toMatch(/Luhn/);
  });

  it('catches any single mistyped digit after the prefix', () => {
    fc.assert(
      fc.property(iccidArb, fc.nat(), fc.integer({ min: 1, max: 9 }), (iccid, at, shift) => {
        const i = 2 + (at % (iccid.length - 2));
        const typo = `${iccid.slice(0, i)}${(Number(iccid[i]) + shift) % 10}${iccid.slice(i + 1)}`;
        expect(iccidProblem(typo)?.en).toMatch(/Luhn/);
      }),
    );
  });

  it('refuses other lengths and prefixes even with a good check digit', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 10, max: 18 }), fc.integer({ min: 21, max: 24 })), fc.nat(), (length, seed) => {
        const body = String(seed)
          .padStart(length - 3, '7')
          .slice(0, length - 3);
        expect(iccidProblem(`89${body}${checkDigit(`89${body}`)}`)?.en).toMatch(/19 or 20/);
      }),
    );
    fc.assert(
      fc.property(digits(2, 2), digits(16, 17), (prefix, body) => {
        fc.pre(prefix !== '89');
        expect(iccidProblem(`${prefix}${body}${checkDigit(`${prefix}${body}`)}`)?.en).toMatch(/starts with 89/);
      }),
    );
  });
});

describe('iccidMatches', () => {
  const card = '89860012345678901238';

  it('matches the full ICCID or its last 6 digits, nothing else', () => {
    expect(iccidMatches(card, card)).toBe(true);
    expect(iccidMatches(card, '901238')).toBe(true);
    expect(iccidMatches(card, '901237')).toBe(false);
    expect(iccidMatches(card, '012345')).toBe(false); // 6 digits from the middle
    expect(iccidMatches(card, '01238')).toBe(false); // 5
    expect(iccidMatches(card, '8901238')).toBe(false); // 7
    expect(iccidMatches(card, '')).toBe(false);
    expect(iccidMatches(card, '89860012345678901237')).toBe(false);
    expect(iccidMatches(card, card.slice(0, 19))).toBe(false);
  });

  it('holds for any ICCID and any other proof', () => {
    fc.assert(
      fc.property(iccidArb, iccidArb, digits(0, 21), (a, b, proof) => {
        expect(iccidMatches(a, a)).toBe(true);
        expect(iccidMatches(a, a.slice(-6))).toBe(true);
        expect(iccidMatches(a, b)).toBe(a === b);
        expect(iccidMatches(a, proof)).toBe(proof === a || (proof.length === 6 && a.slice(-6) === proof));
      }),
    );
  });
});
