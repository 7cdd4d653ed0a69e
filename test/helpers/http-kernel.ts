import { AppError } from '../../src/errors/index.js';
import type { App } from '../../src/http/types.js';

/**
 * Stands in for the API-key check of a route test on the server's own HTTP kernel (createHttp):
 * the caller is the account the `x-account` header names; without it the request is refused as
 * the real check refuses it.
 */
export function callerFromHeader(scope: App): void {
  scope.addHook('onRequest', async (req) => {
    const accountId = req.headers['x-account'];
    if (typeof accountId !== 'string') throw new AppError('UNAUTHORIZED');
    req.principal = { accountId, keyId: 'vk_test', isAdmin: false };
  });
}
