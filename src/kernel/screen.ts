/**
 * A start or a resend as the destination screen sees it: what verifications hand the fraud
 * layer (the safe list, geo permissions, the pumping rules) before anything is written.
 */
export interface ScreenInput {
  action: 'start' | 'resend';
  accountId: string;
  serviceId: string | null;
  /** Every channel it may send on (a workflow's steps). */
  channels: readonly string[];
  to: string;
  country: string;
  /** The end user's address: the device's when the start names it, else the caller's. */
  ip: string;
  numberType?: string | undefined;
  /** What the destination costs on the first channel by the account's price book: asked only by what scores it. */
  price: () => number | Promise<number>;
}
