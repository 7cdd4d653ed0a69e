/** The sandbox provider under the shared contract: what it delivers lands in the dev inbox. */
import { migrate, openDatabase } from '../../src/db/database.js';
import type { Clock } from '../../src/lib/clock.js';
import { InboxStore } from '../../src/sandbox/inbox-store.js';
import { PhoneStore } from '../../src/sandbox/phone-store.js';
import { SandboxProvider } from '../../src/sandbox/sandbox-provider.js';
import { describeProviderContract } from '../contracts/message-provider-contract.js';

/** A clock one millisecond later at every reading, so the inbox lists deliveries in their order. */
function tickingClock(): Clock {
  let t = Date.parse('2026-01-01T00:00:00Z');
  return { now: () => (t += 1) };
}

describeProviderContract('sandbox', async () => {
  const database = openDatabase('sqlite::memory:');
  await migrate(database);
  const inbox = new InboxStore(database);
  const provider = new SandboxProvider(inbox, new PhoneStore(database), tickingClock(), []);
  return {
    provider,
    channel: 'sms',
    to: '+5511987654321',
    neverRefuses: 'the sandbox accepts every message; its failures are the forced outcomes of magic numbers',
    received: async () => (await inbox.list('acc_contract', { to: '+5511987654321', limit: 200 })).reverse().map((m) => ({ to: m.to, text: m.text })),
    refuseNext: () => undefined,
    close: () => database.close(),
  };
});
