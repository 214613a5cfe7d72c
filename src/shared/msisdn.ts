/**
 * Phone numbers (MSISDNs): E.164 with the leading `+`, validated with libphonenumber-js,
 * and masked for public answers (`+86 138****8000`, `+852 ****4567`).
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

export const E164_PATTERN = '^\\+[1-9][0-9]{6,14}$';
const e164 = new RegExp(E164_PATTERN);

/** The canonical E.164 form, or undefined when the input is not a valid E.164 number. */
export function parseMsisdn(input: string): string | undefined {
  if (!e164.test(input)) return undefined;
  const phone = parsePhoneNumberFromString(input);
  if (!phone?.isValid()) return undefined;
  return phone.number;
}

export function maskMsisdn(msisdn: string): string {
  const phone = parsePhoneNumberFromString(msisdn);
  const countryCode = phone?.countryCallingCode ?? '';
  const national = phone ? phone.nationalNumber : msisdn.replace(/^\+/, '');
  const last4 = national.slice(-4);
  const masked = national.length >= 10 ? `${national.slice(0, 3)}****${last4}` : `****${last4}`;
  return countryCode ? `+${countryCode} ${masked}` : masked;
}
