import type { CompatDeps } from '../compat-deps.js';
import type { ZadarmaCall } from './endpoint.js';
import { checkError, INVALID_CODE, NO_SUCH_REQUEST, required, startError, ZadarmaError } from './errors.js';
import { fromRequestId, toRequestId } from './request-id.js';
import { isZadarmaChannel, startInput } from './verify-input.js';

/** `POST /v1/verify/`: starts a verification; call_button's result goes to the notify URL instead of a request_id. */
export function startVerification(deps: Pick<CompatDeps, 'verifications'>) {
  return async ({ wire, credential, ip }: ZadarmaCall): Promise<Record<string, unknown>> => {
    const channel = wire.params.get('channel')?.trim();
    if (!channel) throw required('channel');
    if (!isZadarmaChannel(channel)) throw new ZadarmaError('Wrong channel');
    const input = startInput(channel, wire.params, credential);
    const view = await deps.verifications.start({ accountId: credential.accountId, ip }, input).catch(startError);
    return channel === 'call_button' ? { status: 'success' } : { status: 'success', request_id: toRequestId(view.id) };
  };
}

/**
 * `POST /v1/verify/check`: Zadarma's three answers. A request that is finished, expired, out of
 * attempts or a call_button (checked by key press, never by code) is "No such request id".
 */
export function checkVerification(deps: Pick<CompatDeps, 'verifications'>) {
  return async ({ wire, credential, ip }: ZadarmaCall): Promise<Record<string, unknown>> => {
    const requestId = wire.params.get('request_id')?.trim();
    if (!requestId) throw required('request_id');
    const code = wire.params.get('code')?.trim();
    if (!code) throw required('code');
    // A client that did not form-encode the id sent its '+' as a space.
    const id = fromRequestId(requestId.replace(/ /g, '+'));
    if (!id) throw new ZadarmaError(NO_SUCH_REQUEST);
    const view = await deps.verifications.get(credential.accountId, id).catch(checkError);
    if (view.channel === 'ivr') throw new ZadarmaError(NO_SUCH_REQUEST);
    const result = await deps.verifications.check({ accountId: credential.accountId, ip }, id, code).catch(checkError);
    if (!result.valid) throw new ZadarmaError(INVALID_CODE);
    return { status: 'success', message: 'Code is correct' };
  };
}
