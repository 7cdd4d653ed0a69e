import type { IvrPrompts } from '../calls/call-script.js';
import type { SilentDevice } from '../silent/silent-resolver.js';

/** What a verification keeps for its call and network channels, beside the code. */
export interface ChannelData {
  /** The silent step's device address. */
  device?: SilentDevice | undefined;
  /** The IVR's own prompts. */
  ivr?: IvrPrompts | undefined;
  /** The flash call's caller id, sealed: its last digits are the code. */
  flash_cli?: string | undefined;
  /** Where the device must go to be recognized by its operator (network-based authentication). */
  redirect?: string | undefined;
}

export function parseChannelData(json: string | null): ChannelData {
  return json ? (JSON.parse(json) as ChannelData) : {};
}

export function channelDataJson(data: ChannelData): string | null {
  return Object.values(data).some((v) => v !== undefined) ? JSON.stringify(data) : null;
}
