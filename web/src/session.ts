/**
 * The card being renewed, kept for this browser tab only (sessionStorage), so a reload of
 * the card page or coming back from checkout does not ask for the serial again.
 */
export interface CardProof {
  msisdn: string;
  iccid: string;
}

const KEY = 'simkeep.card';

export function rememberCard(proof: CardProof): void {
  sessionStorage.setItem(KEY, JSON.stringify(proof));
}

export function rememberedCard(): CardProof | undefined {
  try {
    const value = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as CardProof | null;
    return value && typeof value.msisdn === 'string' && typeof value.iccid === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

export function forgetCard(): void {
  sessionStorage.removeItem(KEY);
}
