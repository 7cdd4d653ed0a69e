import fp from 'fastify-plugin';
import type { App } from '../http/types.js';
import { InboxStore } from './inbox-store.js';
import { phoneRoutes } from './phone-routes.js';
import { PhoneStore } from './phone-store.js';
import { sandboxRoutes } from './routes.js';
import { SandboxRecords } from './sandbox-records.js';
import { SandboxProvider } from './sandbox-provider.js';
import { VirtualPhone } from './virtual-phone.js';

/** The sandbox provider and its inbox, where test messages land instead of a carrier. */
export const sandbox = fp(
  async (app: App) => {
    const { config, database, clock } = app.core;
    const inbox = new InboxStore(database);
    const phones = new PhoneStore(database);
    app.verity.inbox = inbox;
    Object.assign(app.parts, { phones, sandboxRecords: new SandboxRecords(inbox, phones), sandbox: new SandboxProvider(inbox, phones, clock, config.sandbox.magic, config.sandbox.billable) });
    await app.parts.authenticated(app, sandboxRoutes(inbox));
  },
  { name: 'sandbox', dependencies: ['infrastructure', 'accounts'] },
);

/** The virtual phone: sandbox numbers that answer calls and silent checks. */
export const virtualPhone = fp(
  async (app: App) => {
    const { calls, inbox } = app.verity;
    const phone = new VirtualPhone(app.parts.phones, calls, app.parts.simulatedOperator, app.core.clock);
    app.verity.phone = phone;
    await app.parts.authenticated(app, phoneRoutes(phone, inbox));
  },
  { name: 'virtual-phone', dependencies: ['sandbox', 'calls', 'silent'] },
);
