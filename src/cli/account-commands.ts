import { accountView, MICROS } from '../accounts/account-view.js';
import type { AccountTable } from '../db/schema.js';
import { actingAccount, withApp } from './app-context.js';
import { ACCOUNT_OPTION, CliFailure, fields, instant, JSON_OPTION, json, required, table, UsageError, type Command } from './command.js';

/** A money amount as typed (`12.5`, `-3`): a finite number, refused as a usage error otherwise. */
function amount(command: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || Math.abs(n) > 1e9) throw new UsageError(`${command}: "${text}" is not an amount`);
  return Math.round(n * MICROS);
}

export const keyCommands: Command[] = [
  {
    name: 'keys list',
    summary: "list an account's API keys: id, name, created, revoked (a secret is never stored, so never shown)",
    options: { ...ACCOUNT_OPTION, ...JSON_OPTION },
    example: 'verity keys list --json',
    configured: true,
    run: ({ config, values, out }) =>
      withApp(config, async (app) => {
        const account = await actingAccount(app, values);
        // Keys carry no last-use time: authentication reads them from a cache and never writes back.
        const keys = (await app.verity.accountStore.listKeys(account.id)).map((k) => ({
          id: k.id,
          name: k.name,
          created_at: instant(k.created_at),
          revoked_at: k.revoked_at === null ? null : instant(k.revoked_at),
        }));
        out(
          values.json
            ? json({ account_id: account.id, keys })
            : table(
                ['ID', 'NAME', 'CREATED', 'REVOKED'],
                keys.map((k) => [k.id, k.name, k.created_at, k.revoked_at ?? '—']),
              ),
        );
        return undefined;
      }),
  },
  {
    name: 'keys create',
    summary: 'create an API key for an account (the first account, created on an empty database) and print its secret once',
    options: { ...ACCOUNT_OPTION, ...JSON_OPTION },
    example: 'npm run -s verity -- keys create --json   # {"key_id":"vk_…","secret":"vs_…"}',
    configured: true,
    run: ({ config, values, out }) =>
      withApp(config, async (app) => {
        const v = app.verity;
        let issued = typeof values.account === 'string' ? undefined : await v.accounts.bootstrap();
        if (!issued) issued = await v.keys.create((await actingAccount(app, values)).id, 'cli');
        out(
          values.json
            ? json(issued)
            : fields([
                ['key id', issued.key_id],
                ['secret', issued.secret],
              ]),
        );
        return undefined;
      }),
  },
  {
    name: 'keys revoke',
    summary: 'revoke an API key at once (requests with it are refused from then on)',
    args: '<key-id>',
    arity: [1, 1],
    options: { ...ACCOUNT_OPTION, ...JSON_OPTION },
    example: 'verity keys revoke vk_01hx…',
    configured: true,
    run: ({ config, values, positionals, out }) =>
      withApp(config, async (app) => {
        const account = await actingAccount(app, values);
        const id = positionals[0] as string;
        if (!(await app.verity.keys.revoke(account.id, id))) throw new CliFailure(`account ${account.id} has no active key ${id}`);
        out(values.json ? json({ key_id: id, revoked: true }) : `revoked ${id}\n`);
        return undefined;
      }),
  },
];

export const accountCommands: Command[] = [
  {
    name: 'accounts create',
    summary: 'create an account (a tenant) and its first API key, whose secret is printed once',
    options: {
      name: { type: 'string', value: 'name', description: 'what to call the account (required)', required: true },
      postpaid: { type: 'boolean', description: 'let the balance go below zero (default: prepaid)' },
      balance: { type: 'string', value: 'amount', description: 'opening balance in the account currency (default 0)' },
      ...JSON_OPTION,
    },
    example: 'verity accounts create --name "Acme" --balance 50',
    configured: true,
    run: async ({ config, values, out }) => {
      const cmd = 'accounts create';
      const name = required({ name: cmd }, values, 'name');
      const balanceMicros = typeof values.balance === 'string' ? amount(cmd, values.balance) : 0;
      if (balanceMicros < 0) throw new UsageError(`${cmd}: --balance must not be negative`);
      return withApp(config, async (app) => {
        const { account, key } = await app.verity.accounts.create({ name, postpaid: values.postpaid === true, balanceMicros });
        const a = accountView(account);
        out(
          values.json
            ? json({ account: a, key })
            : fields([
                ['account id', a.id],
                ['name', a.name],
                ['balance', `${a.balance} ${a.currency}`],
                ['postpaid', a.postpaid],
                ['key id', key.key_id],
                ['secret', key.secret],
              ]),
        );
        return undefined;
      });
    },
  },
  {
    name: 'accounts credit',
    summary: "add to an account's balance (a negative amount takes from it) and print the new balance",
    args: '<account-id> <amount>',
    arity: [2, 2],
    options: JSON_OPTION,
    example: 'verity accounts credit acc_01hx… 25.50',
    configured: true,
    run: async ({ config, values, positionals, out }) => {
      const [id, text] = positionals as [string, string];
      const micros = amount('accounts credit', text);
      return withApp(config, async (app) => {
        const balance = await app.verity.accountStore.credit(id, micros);
        if (balance === undefined) throw new CliFailure(`there is no account ${id}`);
        const account = accountView((await app.verity.accounts.get(id)) as AccountTable);
        out(values.json ? json(account) : `${id} balance ${account.balance} ${account.currency}\n`);
        return undefined;
      });
    },
  },
];
