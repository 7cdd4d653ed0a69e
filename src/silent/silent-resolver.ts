import type { SilentOutcome } from './silent-engine.js';

export type { SilentOutcome } from './silent-engine.js';

/** Where the device says it is on the mobile network: the public address its app sees, and when. */
export interface SilentDevice {
  ip: string;
  port?: number | undefined;
  /** When the device had that address (ms since the epoch). */
  at: number;
}

export interface SilentRequest {
  verificationId: string;
  accountId: string;
  /** E.164, with +. */
  msisdn: string;
  device: SilentDevice | undefined;
}

/**
 * An answer now, or a URL the device must open over its mobile data connection (network-based
 * authentication); the answer then arrives through `complete` when the operator redirects back.
 * `error`: the operator could not be asked or did not answer sensibly (the step falls through).
 */
export type SilentResult = { outcome: SilentOutcome | 'error'; detail?: string | undefined } | { redirect: string };

export interface SilentResolver {
  /** `local`, `sandbox`, `claro-smv`, `camara`. */
  readonly type: string;
  resolve(req: SilentRequest): Promise<SilentResult>;
  /** Reads the operator's redirect back to Verity (`?code=…&state=…`), for resolvers that return `redirect`. */
  complete?(query: Record<string, string>): Promise<{ verificationId: string; outcome: SilentOutcome | 'error' }>;
}
