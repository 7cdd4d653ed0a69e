/** Where a number sits, at the depths the pumping rules watch. */
export interface NumberPrefixes {
  /** ISO 3166 alpha-2. */
  country: string;
  /** An operator's range: the E.164 digits but the last six (about a million numbers). */
  range: string;
  /** A narrow block: the digits but the last three (a thousand numbers). */
  block: string;
  /** The number's place in its block and the next ones: its last six digits, to measure how near two numbers are. */
  tail: number;
}

export function prefixesOf(e164: string, country: string): NumberPrefixes {
  const digits = e164.charCodeAt(0) === 43 ? e164.slice(1) : e164;
  return {
    country,
    range: `+${digits.slice(0, Math.max(3, digits.length - 6))}`,
    block: `+${digits.slice(0, Math.max(4, digits.length - 3))}`,
    tail: Number(digits.slice(-6)),
  };
}
