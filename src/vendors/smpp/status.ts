import smpp from 'smpp';
import { ProviderError } from '../../kernel/provider-errors.js';

/** The SMPP command_status values this provider treats specially (SMPP 3.4 §5.1.3). */
export const ESME = {
  ROK: 0x00,
  RINVBNDSTS: 0x04,
  RSYSERR: 0x08,
  RINVSRCADR: 0x0a,
  RINVDSTADR: 0x0b,
  RMSGQFUL: 0x14,
  RINVSRCTON: 0x48,
  RINVSRCNPI: 0x49,
  RINVDSTTON: 0x50,
  RINVDSTNPI: 0x51,
  RTHROTTLED: 0x58,
  RX_T_APPN: 0x64,
} as const;

const NAMES = new Map(Object.entries(smpp.errors).map(([name, value]) => [value, name]));

/** `ESME_RTHROTTLED (0x58)`: what an operator looks up in the SMSC's documentation. */
export function statusName(status: number): string {
  return `${NAMES.get(status) ?? 'vendor status'} (0x${status.toString(16).padStart(2, '0')})`;
}

/** The SMSC is full or pacing us: the same message may go through a little later. */
const THROTTLED: ReadonlySet<number> = new Set([ESME.RTHROTTLED, ESME.RMSGQFUL]);
/** Faults on the SMSC's side or the bind's state, not in the message. */
const TRANSIENT: ReadonlySet<number> = new Set([ESME.RSYSERR, ESME.RX_T_APPN, ESME.RINVBNDSTS]);
const BAD_DESTINATION: ReadonlySet<number> = new Set([ESME.RINVDSTADR, ESME.RINVDSTTON, ESME.RINVDSTNPI]);
const BAD_SOURCE: ReadonlySet<number> = new Set([ESME.RINVSRCADR, ESME.RINVSRCTON, ESME.RINVSRCNPI]);

/** Maps a non-zero submit_sm_resp (or generic_nack) status to the error the delivery worker acts on. */
export function submitError(status: number): ProviderError {
  const what = `SMSC refused submit_sm: ${statusName(status)}`;
  if (THROTTLED.has(status)) return new ProviderError('THROTTLED', what);
  if (TRANSIENT.has(status)) return new ProviderError('SMSC_UNAVAILABLE', what);
  if (BAD_DESTINATION.has(status)) return new ProviderError('INVALID_DESTINATION', what);
  if (BAD_SOURCE.has(status)) return new ProviderError('INVALID_SENDER', what);
  return new ProviderError('SUBMIT_REJECTED', what);
}
