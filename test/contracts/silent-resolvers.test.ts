/**
 * Every silent resolver under the one silent contract: the local operator engine on a real
 * database, Claro SMV and CAMARA Number Verification against the loopback fakes of their APIs.
 */
import { pino } from 'pino';
import { migrate, openDatabase } from '../../src/db/database.js';
import { ManualClock } from '../../src/lib/clock.js';
import { OutboundGuard } from '../../src/outbound/outbound-guard.js';
import { OperatorStore } from '../../src/silent/operator-store.js';
import { SilentEngine } from '../../src/silent/silent-engine.js';
import { camaraResolver, type CamaraOptions } from '../../src/silent/camara/index.js';
import { claroSmvResolver, type ClaroSmvOptions } from '../../src/silent/claro-smv/index.js';
import type { SilentResolverContext } from '../../src/silent/definition.js';
import { LocalSilentResolver } from '../../src/silent/local-resolver.js';
import type { SilentOutcome, SilentRequest } from '../../src/silent/silent-resolver.js';
import { startCamaraFake } from '../fakes/camara/number-verification-fake.js';
import { startClaroSmvFake } from '../fakes/claro-smv/smv-fake.js';
import { startFake } from '../fakes/fake-server.js';
import { describeSilentResolverContract } from './silent-resolver-contract.js';

const MSISDN = '+5511987654321';
const OTHER = '+5521912345678';
const OUTSIDE = '203.0.113.9';

let seq = 0;
function ask(ip: string, at: number, port?: number): SilentRequest {
  seq += 1;
  return { verificationId: `ver_silent${seq}`, accountId: 'acc_contract', msisdn: MSISDN, device: { ip, port, at } };
}

function context(clock: ManualClock): SilentResolverContext {
  // The fakes listen on loopback, which only a guard that allows private addresses reaches.
  return { name: 'silent-contract', log: pino({ level: 'silent' }), clock, outbound: new OutboundGuard(true) };
}

/** A server that takes the connection and never answers. */
const unanswering = () => startFake(() => 'hang');

describeSilentResolverContract('local engine', async () => {
  const OPERATOR = 'acc_operator';
  const database = openDatabase('sqlite::memory:');
  await migrate(database);
  const clock = new ManualClock(1_760_000_000_000);
  const store = new OperatorStore(database);
  await store.setRanges(OPERATOR, ['177.79.0.0/16'], clock.now());
  const engine = new SilentEngine(store, clock, 60_000);
  // Each outcome on its own address, so arranging one never changes another's answer.
  const ips: Record<SilentOutcome, string> = { verified_online: '177.79.10.1', verified_offline: '177.79.10.2', no_match: '177.79.10.3', outside_ranges: OUTSIDE };
  let session = 0;
  const start = (msisdn: string, ip: string) => store.recordSessions(OPERATOR, [{ status: 'start', sessionId: `s${++session}`, msisdn, ip, at: clock.now() }]);
  return {
    resolver: new LocalSilentResolver(engine),
    arrange: async (outcome) => {
      const ip = ips[outcome];
      if (outcome === 'verified_online') await start(MSISDN, ip);
      if (outcome === 'no_match') await start(OTHER, ip);
      if (outcome === 'verified_offline') {
        await start(MSISDN, ip);
        await store.recordSessions(OPERATOR, [{ status: 'stop', sessionId: `s${session}`, msisdn: MSISDN, ip, at: clock.now() + 1000 }]);
      }
      return ask(ip, clock.now());
    },
    redirects: { cannot: 'the local engine answers from the sessions this server holds, with no operator to send the device through' },
    needsDevice: true,
    noUpstream: 'the local engine answers from this server’s own database; it has no upstream that could stay silent',
    close: () => database.close(),
  };
});

describeSilentResolverContract('claro-smv', async () => {
  const KEY = 'claroContractKey4Hd8';
  const SECRET = 'claroContractSecret2Wq';
  const PORT = 40123;
  const fake = await startClaroSmvFake(KEY, SECRET);
  const clock = new ManualClock(1_760_000_000_000);
  const make = async (extra: Partial<ClaroSmvOptions> = {}) => claroSmvResolver.create({ key: KEY, secret: SECRET, baseUrl: fake.url, timeoutMs: 2000, ...extra }, context(clock));
  const ips: Record<SilentOutcome, string> = { verified_online: '177.79.10.1', verified_offline: '177.79.10.2', no_match: '177.79.10.3', outside_ranges: OUTSIDE };
  const hanging: Array<{ close(): Promise<void> }> = [];
  return {
    resolver: await make(),
    arrange: async (outcome) => {
      const ip = ips[outcome];
      const at = Math.floor(clock.now() / 1000);
      if (outcome !== 'outside_ranges') fake.sessions.push({ msisdn: (outcome === 'no_match' ? OTHER : MSISDN).slice(1), ip, port: PORT, at, online: outcome !== 'verified_offline' });
      return ask(ip, clock.now(), PORT);
    },
    redirects: { cannot: 'Claro SMV answers from the address the device reported, without sending the device anywhere' },
    needsDevice: true,
    unanswering: async () => {
      const silent = await unanswering();
      hanging.push(silent);
      return make({ baseUrl: silent.url, timeoutMs: 300 });
    },
    close: async () => {
      for (const s of hanging) await s.close();
      await fake.close();
    },
  };
});

describeSilentResolverContract('camara', async () => {
  const CLIENT_ID = 'verity-nv-contract';
  const CLIENT_SECRET = 'nv-contract-secret-8a7b6c';
  const REDIRECT = 'https://verity.example.com/v1/silent/camara/callback';
  const fake = await startCamaraFake(CLIENT_ID, CLIENT_SECRET, REDIRECT);
  const clock = new ManualClock(1_760_000_000_000);
  const make = (upstream: string, extra: Partial<CamaraOptions> = {}) =>
    camaraResolver.create(
      {
        authorizeUrl: `${fake.url}/authorize`,
        tokenUrl: `${upstream}/token`,
        baseUrl: upstream,
        clientId: CLIENT_ID,
        clientSecret: CLIENT_SECRET,
        redirectUri: REDIRECT,
        stateKey: 'camara-contract-state-key-0123456789abcdef',
        timeoutMs: 2000,
        ...extra,
      },
      context(clock),
    );
  const onlyMatch = 'CAMARA Number Verification answers only whether the device’s own number is the one asked about';
  const hanging: Array<{ close(): Promise<void> }> = [];
  return {
    resolver: make(fake.url),
    arrange: async (outcome) => {
      if (outcome === 'verified_offline' || outcome === 'outside_ranges') return { cannot: onlyMatch };
      // The number of the device that opens the operator's page, as the network sees it.
      fake.deviceNumber = outcome === 'verified_online' ? MSISDN : OTHER;
      return { ...ask('177.79.10.1', clock.now()), device: undefined };
    },
    redirects: true,
    needsDevice: { cannot: 'CAMARA finds the device by the data connection it opens the operator’s page on, not by an address it reports' },
    unanswering: async () => {
      const silent = await unanswering();
      hanging.push(silent);
      return make(silent.url, { timeoutMs: 300 });
    },
    close: async () => {
      for (const s of hanging) await s.close();
      await fake.close();
    },
  };
});
