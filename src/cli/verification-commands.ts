import { CHANNELS, type Channel } from '../kernel/channel.js';
import type { App } from '../http/types.js';
import { MAX_PAGE } from '../verifications/verification-search.js';
import { VERIFICATION_STATUSES, type VerificationStatus, type VerificationView } from '../verifications/view.js';
import { actingAccount, withApp } from './app-context.js';
import { ACCOUNT_OPTION, fields, JSON_OPTION, json, required, table, UsageError, type Command, type Configured } from './command.js';

/** The caller's address for the per-IP start limit: the command runs on this machine. */
const LOCAL = { ip: '127.0.0.1' };

function verificationText(v: VerificationView, extra: Array<[string, string | boolean]> = []): string {
  return fields([
    ['id', v.id],
    ...extra,
    ['to', v.to],
    ['channel', v.channel],
    ['status', v.status],
    ['attempts', `${v.attempts}/${v.max_attempts}`],
    ['sends', `${v.sends}/${v.max_sends}`],
    ['expires at', v.expires_at],
    ['created at', v.created_at],
    ...(v.failure_reason ? ([['failure', v.failure_reason]] as Array<[string, string]>) : []),
  ]);
}

/** Runs `fn` in an app as the acting account, printing what it returns as JSON or as text. */
function acting<T>(inv: Configured, fn: (app: App, accountId: string) => Promise<T>, text: (result: T) => string) {
  return withApp(inv.config, async (app) => {
    const account = await actingAccount(app, inv.values);
    const result = await fn(app, account.id);
    inv.out(inv.values.json ? json(result) : text(result));
    return undefined;
  });
}

export const verificationCommands: Command[] = [
  {
    name: 'verifications start',
    summary: 'start a verification: send a code to a phone number or email address now',
    options: {
      to: { type: 'string', value: 'destination', description: 'phone number in E.164 (+5511…) or email address (required)', required: true },
      channel: { type: 'string', value: 'channel', description: `one of ${CHANNELS.join(', ')} (default: the service's workflow, else sms)`, choices: CHANNELS },
      service: { type: 'string', value: 'id', description: "the service whose settings apply (default: the account's defaults)" },
      locale: { type: 'string', value: 'locale', description: 'language of the message (default: the service locale)' },
      ...ACCOUNT_OPTION,
      ...JSON_OPTION,
    },
    example: 'verity verifications start --to +15005550006 --channel sms',
    configured: true,
    run: async (inv) => {
      const to = required({ name: 'verifications start' }, inv.values, 'to');
      const channel = inv.values.channel as string | undefined;
      if (channel !== undefined && !(CHANNELS as readonly string[]).includes(channel)) throw new UsageError(`verifications start: --channel must be one of ${CHANNELS.join(', ')}`);
      const { service, locale } = inv.values as { service?: string; locale?: string };
      return acting(
        inv,
        async (app, accountId) => {
          const started = await app.verity.verifications.start({ accountId, ...LOCAL }, { to, channel: channel as Channel | undefined, service, locale });
          // Sent now, as a server's worker would, so the code goes out even when no server runs.
          await app.verity.worker.drain();
          return app.verity.verifications.get(accountId, started.id).catch(() => started);
        },
        (v) => verificationText(v),
      );
    },
  },
  {
    name: 'verifications get',
    summary: 'show one verification: its destination, channel, status, attempts and sends',
    args: '<id>',
    arity: [1, 1],
    options: { ...ACCOUNT_OPTION, ...JSON_OPTION },
    example: 'verity verifications get ver_01hx…',
    configured: true,
    run: (inv) =>
      acting(
        inv,
        (app, accountId) => app.verity.verifications.get(accountId, inv.positionals[0] as string),
        (v) => verificationText(v),
      ),
  },
  {
    name: 'verifications check',
    summary: 'check a code against a verification (counts as an attempt); prints valid true or false',
    args: '<id> <code>',
    arity: [2, 2],
    options: { ...ACCOUNT_OPTION, ...JSON_OPTION },
    example: 'verity verifications check ver_01hx… 123456',
    configured: true,
    run: (inv) =>
      acting(
        inv,
        (app, accountId) => app.verity.verifications.check({ accountId, ...LOCAL }, inv.positionals[0] as string, inv.positionals[1] as string),
        (r) => verificationText(r, [['valid', r.valid]]),
      ),
  },
  {
    name: 'verifications list',
    summary: "list an account's verifications, newest first",
    options: {
      status: { type: 'string', value: 'status', description: `only this status: ${VERIFICATION_STATUSES.join(', ')}`, choices: VERIFICATION_STATUSES },
      limit: { type: 'string', value: 'n', description: `how many, 1 to ${MAX_PAGE} (default 20)` },
      ...ACCOUNT_OPTION,
      ...JSON_OPTION,
    },
    example: 'verity verifications list --status pending --limit 10',
    configured: true,
    run: async (inv) => {
      const status = inv.values.status as string | undefined;
      if (status !== undefined && !(VERIFICATION_STATUSES as readonly string[]).includes(status))
        throw new UsageError(`verifications list: --status must be one of ${VERIFICATION_STATUSES.join(', ')}`);
      const limit = inv.values.limit === undefined ? 20 : Number(inv.values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new UsageError(`verifications list: --limit must be a whole number from 1 to ${MAX_PAGE}`);
      return acting(
        inv,
        (app, accountId) => inv.apps.search(app).list({ accountId, keyId: 'cli', isAdmin: false }, { status: status as VerificationStatus | undefined, limit }),
        (r) =>
          table(
            ['ID', 'TO', 'CHANNEL', 'STATUS', 'CREATED'],
            r.verifications.map((v) => [v.id, v.to, v.channel, v.status, v.created_at]),
          ),
      );
    },
  },
];
