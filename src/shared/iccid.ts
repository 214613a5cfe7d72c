/**
 * SIM serials (ICCIDs): 19 or 20 digits starting `89`, the last one a Luhn check digit.
 */
import type { Text } from './errors.js';

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function luhnCheckDigit(payload: string): number {
  for (let d = 0; d <= 9; d++) if (luhnValid(`${payload}${d}`)) return d;
  throw new Error('unreachable');
}

/** Why an ICCID is not valid, or undefined when it is. */
export function iccidProblem(iccid: string): Text | undefined {
  if (!/^[0-9]+$/.test(iccid)) return { 'zh-CN': 'SIM卡序列号只包含数字', en: 'an ICCID holds digits only' };
  if (iccid.length !== 19 && iccid.length !== 20) return { 'zh-CN': 'SIM卡序列号为 19 或 20 位', en: 'an ICCID has 19 or 20 digits' };
  if (!iccid.startsWith('89')) return { 'zh-CN': '完整的SIM卡序列号以 89 开头', en: 'an ICCID starts with 89' };
  if (!luhnValid(iccid)) {
    return { 'zh-CN': '最后一位校验码不符，请检查序列号是否输错', en: 'the last digit (Luhn check digit) does not match; check the serial for a typo' };
  }
  return undefined;
}

/** The short proof: the last 6 digits, a million possibilities against a whole serial's billions. */
export function isShortIccidProof(proof: string): boolean {
  return proof.length === 6;
}

/** Does the subscriber's proof (a full ICCID or its last 6 digits) match the card's ICCID? */
export function iccidMatches(cardIccid: string, proof: string): boolean {
  return isShortIccidProof(proof) ? cardIccid.endsWith(proof) : cardIccid === proof;
}
