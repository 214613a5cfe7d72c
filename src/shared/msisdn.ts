/**
 * Phone numbers (MSISDNs): E.164 with the leading `+`, validated with libphonenumber-js,
 * and masked for public answers (`+86 138****8000`, `+852 ****4567`).
 */
import { getCountries, getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';

export const E164_PATTERN = '^\\+[1-9][0-9]{6,14}$';
const e164 = new RegExp(E164_PATTERN);

// Validation against the full metadata costs ~0.1 ms; subscribers' numbers repeat.
const parsed = new Map<string, string | undefined>();
const MAX_PARSED = 10_000;

/** The canonical E.164 form, or undefined when the input is not a valid E.164 number. */
export function parseMsisdn(input: string): string | undefined {
  if (!e164.test(input)) return undefined;
  if (parsed.has(input)) return parsed.get(input);
  const phone = parsePhoneNumberFromString(input);
  const result = phone?.isValid() ? phone.number : undefined;
  if (parsed.size >= MAX_PARSED) parsed.clear();
  parsed.set(input, result);
  return result;
}

// Country calling codes are prefix-free (ITU-T E.164), so the first of 1 to 3 leading digits
// found among them is the number's. Masking a batch of reminders needs no full parse.
const callingCodes = new Set(getCountries().map((country) => getCountryCallingCode(country)));

/** Country calling code and national number of an E.164 number. */
function splitMsisdn(msisdn: string): { countryCode: string; national: string } {
  const digits = msisdn.replace(/^\+/, '');
  for (let length = 1; length <= 3; length++) {
    const code = digits.slice(0, length);
    if (callingCodes.has(code)) return { countryCode: code, national: digits.slice(length) };
  }
  const phone = parsePhoneNumberFromString(msisdn);
  return phone ? { countryCode: phone.countryCallingCode, national: phone.nationalNumber } : { countryCode: '', national: digits };
}

export function maskMsisdn(msisdn: string): string {
  const { countryCode, national } = splitMsisdn(msisdn);
  const last4 = national.slice(-4);
  const masked = national.length >= 10 ? `${national.slice(0, 3)}****${last4}` : `****${last4}`;
  return countryCode ? `+${countryCode} ${masked}` : masked;
}
