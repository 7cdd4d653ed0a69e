import type { CompatDeps } from '../compat-deps.js';
import type { ZadarmaCall } from './endpoint.js';
import { ZadarmaError } from './errors.js';

const MICROS = 1_000_000;

/** `GET /v1/info/balance/`: the account's balance, in its own currency. */
export function balanceHandler(deps: Pick<CompatDeps, 'accounts'>) {
  return async ({ credential }: ZadarmaCall): Promise<Record<string, unknown>> => {
    const account = await deps.accounts.find(credential.accountId);
    if (!account) throw new ZadarmaError('Not authorized', 401);
    return { status: 'success', balance: account.balance_micros / MICROS, currency: account.currency };
  };
}
