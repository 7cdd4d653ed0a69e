import fp from 'fastify-plugin';
import type { App } from '../http/types.js';
import { claroRoutes } from './claro/routes.js';
import type { CompatDeps } from './compat-deps.js';
import { credentialRoutes } from './credentials/routes.js';
import { VendorCredentials } from './credentials/vendor-credentials.js';
import { messageCentralRoutes, SqlVerificationNumbers } from './messagecentral/index.js';
import { compatSettings } from './settings.js';
import { callbackUrlProblem, smscRoutes } from './smsc/index.js';
import { checkNotifyUrl, DEFAULT_ZADARMA_SETTINGS, notifyUrlProblem, zadarmaRoutes } from './zadarma/index.js';

/** Vendor APIs for clients moving over, each at its vendor's own paths, and the accounts' vendor credentials. */
export const compat = fp(
  async (app: App) => {
    const { config, database, sealer, clock, logger } = app.core;
    const v = app.verity;
    const vendorCredentials = new VendorCredentials(database, sealer, clock);
    const mcNumbers = new SqlVerificationNumbers(database);
    v.vendorCredentials = vendorCredentials;
    app.core.sweep(() => mcNumbers.purge(clock.now() - 2 * 86_400_000));
    const compat = compatSettings(config);
    if (compat.vendors.includes('claro')) {
      const signingKey = app.core.derivedKey('claro tokens');
      await app.register(claroRoutes(vendorCredentials, v.silent, clock, { ...compat.claro, signingKey }));
    }
    const compatDeps: CompatDeps = { credentials: vendorCredentials, verifications: v.verifications, accounts: v.accounts, sounds: app.parts.sounds, events: app.parts.events, clock, log: logger };
    if (compat.vendors.includes('zadarma')) {
      await app.register(
        zadarmaRoutes(compatDeps, { allowPrivate: config.outbound.allowPrivate, soundMaxBytes: config.calls.soundMaxBytes, soundsPerAccount: config.calls.soundsPerAccount, ...compat.zadarma }),
      );
    }
    if (compat.vendors.includes('smsc')) {
      // The handler callback goes where the account says, under the same SSRF rule as webhooks.
      await app.register(smscRoutes(compatDeps, { allowPrivate: config.outbound.allowPrivate, ...compat.smsc }));
    }
    if (compat.vendors.includes('messagecentral')) {
      // HS512 tokens under a key of their own, derived so that it signs nothing else.
      const signingKey = app.core.derivedKey('messagecentral tokens');
      await app.register(messageCentralRoutes(compatDeps, { ...compat.messagecentral, signingKey, numbers: mcNumbers }));
    }
    // A vendor URL setting is the account's choice: its address is checked when it is saved, as a
    // webhook's is; Zadarma's notify_url must also echo zd_echo back, as Zadarma checks it.
    // Each vendor's own allowPrivate, where set, over OUTBOUND_ALLOW_PRIVATE: the same rule when
    // the URL is saved as when it is called.
    const zadarmaEcho = { ...DEFAULT_ZADARMA_SETTINGS, allowPrivate: config.outbound.allowPrivate, ...compat.zadarma };
    const smscPrivate = compat.smsc.allowPrivate ?? config.outbound.allowPrivate;
    await app.parts.authenticated(
      app,
      credentialRoutes(vendorCredentials, async (vendor, settings) => {
        if (vendor === 'smsc' && typeof settings.callback_url === 'string' && settings.callback_url !== '') return callbackUrlProblem(settings.callback_url, smscPrivate);
        if (vendor !== 'zadarma' || typeof settings.notify_url !== 'string') return undefined;
        if (!zadarmaEcho.notifyEchoCheck) return notifyUrlProblem(settings.notify_url, zadarmaEcho.allowPrivate);
        const r = await checkNotifyUrl(settings.notify_url, zadarmaEcho.notifyTimeoutMs, zadarmaEcho.allowPrivate);
        return r.ok ? undefined : r.problem;
      }),
    );
  },
  { name: 'compat', dependencies: ['infrastructure', 'accounts', 'silent', 'sounds', 'verifications', 'events'] },
);
