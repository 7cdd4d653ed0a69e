/** What the channels keep: operator sessions and ranges (silent), the sandbox inbox and virtual phones, calls, inbound numbers and sounds. Times are epoch milliseconds and flags 0/1 integers (see schema.ts). */

export interface OperatorRangeTable {
  account_id: string;
  cidr: string;
  created_at: number;
}

export interface OperatorSessionTable {
  account_id: string;
  session_id: string; // Acct-Session-Id
  msisdn: string; // E.164
  ip: string; // Framed-IP-Address, canonical text
  started_at: number;
  ended_at: number | null; // null while the session is up
  updated_at: number;
}

export interface CgnatMappingTable {
  account_id: string;
  public_ip: string;
  port_start: number;
  port_end: number;
  private_ip: string;
  started_at: number;
  ended_at: number | null;
}

export interface SpentTokenTable {
  jti: string;
  expires_at: number;
}

export interface SandboxMessageTable {
  id: string;
  account_id: string;
  message_id: string;
  verification_id: string;
  channel: string;
  to: string;
  text: string;
  subject: string | null;
  html: string | null;
  code: string;
  outcome: string;
  created_at: number;
}

export interface SandboxCallTable {
  id: string;
  account_id: string;
  verification_id: string | null;
  message_id: string | null;
  direction: string; // outbound: rings the virtual phone; inbound: dialled by it
  channel: string | null;
  from: string;
  to: string;
  script: string; // JSON CallStep[]
  status: string; // ringing | answered | ended
  digits: string | null;
  disposition: string | null;
  created_at: number;
  updated_at: number;
}

export interface CallTable {
  id: string;
  account_id: string;
  verification_id: string | null;
  message_id: string | null;
  direction: string; // outbound | inbound
  provider: string;
  provider_call_id: string;
  from: string;
  to: string;
  status: string; // ringing | answered | ended
  digits: string | null;
  disposition: string | null;
  created_at: number;
  updated_at: number;
}

export interface InboundNumberTable {
  account_id: string;
  number: string; // E.164; a flash-call CLI may end in X wildcards that the code fills
  purpose: string; // reverse_call | flash_call
  country: string; // ISO 3166 alpha-2 served, or '*'
  created_at: number;
}

export interface SoundTable {
  id: string;
  account_id: string;
  name: string;
  content_type: string; // audio/wav | audio/mpeg
  size: number;
  duration_ms: number;
  data: string; // base64
  created_at: number;
}
