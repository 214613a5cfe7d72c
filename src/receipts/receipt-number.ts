/**
 * Receipt numbers: `{OPERATOR}-{YYYY}-{NNNNNN}`, gap-free per operator per year, in
 * fulfilment order. Operator codes may hold hyphens, so numbers are parsed from the right.
 */

export function formatReceiptNumber(operatorCode: string, year: number, sequence: number): string {
  return `${operatorCode.toUpperCase()}-${year}-${String(sequence).padStart(6, '0')}`;
}

export function parseReceiptNumber(number: string): { operatorCode: string; year: number; sequence: number } | undefined {
  const match = /^([A-Z0-9-]{2,32})-(\d{4})-(\d{6,})$/.exec(number);
  if (!match) return undefined;
  const [, code, year, sequence] = match;
  if (!code || !year || !sequence) return undefined;
  return { operatorCode: code.toLowerCase(), year: Number(year), sequence: Number(sequence) };
}
