/** The channels Verity verifies over, and what kind of line each needs. Imports nothing. */

export const PHONE_CHANNELS = ['sms', 'whatsapp', 'rcs', 'voice', 'ivr', 'flash_call', 'reverse_call', 'silent'] as const;
export const CHANNELS = [...PHONE_CHANNELS, 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Channels that send Verity something to deliver (a message or an outbound call). */
export const DELIVERED_CHANNELS = ['sms', 'whatsapp', 'rcs', 'voice', 'ivr', 'flash_call', 'email'] as const;
/**
 * Whether a step on `channel` sends something to the destination, and so counts against its send
 * limit: a reverse call waits for the user's call and a silent step asks the network.
 */
export function sendsToDestination(channel: Channel): boolean {
  return channel !== 'reverse_call' && channel !== 'silent';
}

/** Channels delivered by placing a call. */
export const CALL_CHANNELS = ['voice', 'ivr', 'flash_call'] as const;
export type CallChannel = (typeof CALL_CHANNELS)[number];

export function isCallChannel(channel: string): channel is CallChannel {
  return channel === 'voice' || channel === 'ivr' || channel === 'flash_call';
}

/**
 * Channels that need a mobile line: messages, a caller id read by an app (flash call) and the
 * mobile network's own data (silent). Voice, IVR and reverse call also work with a fixed line.
 */
const NEEDS_MOBILE: ReadonlySet<string> = new Set(['sms', 'whatsapp', 'rcs', 'flash_call', 'silent']);

export function needsMobile(channel: Channel): boolean {
  return NEEDS_MOBILE.has(channel);
}

export type LineType = 'mobile' | 'fixed' | 'email';

export interface Recipient {
  to: string; // E.164 or lower-cased address: the form used in storage and limiter keys
  lineType: LineType;
  country: string | null;
  /** The numbering plan's type of a phone number (MOBILE, FIXED_LINE, PREMIUM_RATE, VOIP, …), when it tells. */
  numberType?: string | undefined;
}

/** Whether a verification already started for `lineType` can move to `channel` (resend on another channel). */
export function channelFits(channel: Channel, lineType: LineType): boolean {
  if (lineType === 'email') return channel === 'email';
  if (channel === 'email') return false;
  return lineType === 'mobile' || !NEEDS_MOBILE.has(channel);
}
