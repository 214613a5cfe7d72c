/**
 * Checks as the subscriber types, with messages that say what to fix (keys in the
 * locale files). The server checks again; these only spare a round trip.
 */
import { isValidPhoneNumber } from 'libphonenumber-js/min';
import { luhnValid } from '../../src/shared/iccid.js';

export function normaliseMsisdn(value: string): string {
  const trimmed = value.replace(/[\s()-]/g, '');
  return trimmed.startsWith('00') ? `+${trimmed.slice(2)}` : trimmed;
}

export function msisdnProblem(value: string): string | undefined {
  const msisdn = normaliseMsisdn(value);
  if (msisdn === '') return 'check.msisdnEmpty';
  if (!/^\+[1-9]\d{6,14}$/.test(msisdn) || !isValidPhoneNumber(msisdn)) return 'check.msisdnFormat';
  return undefined;
}

export function normaliseIccid(value: string): string {
  return value.replace(/\s/g, '');
}

export function iccidProblem(value: string): string | undefined {
  const iccid = normaliseIccid(value);
  if (iccid === '') return 'check.iccidEmpty';
  if (!/^\d+$/.test(iccid)) return 'check.iccidDigits';
  if (iccid.length === 6) return undefined;
  if (iccid.length !== 19 && iccid.length !== 20) return 'check.iccidLength';
  if (!iccid.startsWith('89')) return 'check.iccidPrefix';
  if (!luhnValid(iccid)) return 'check.iccidCheck';
  return undefined;
}
