import { TAG } from '../http/reference.js';
import { Type } from 'typebox';
import { AppError } from '../errors/index.js';
import { problems, Timestamp } from '../http/schemas.js';
import { principalOf, type App } from '../http/types.js';
import type { InboxStore } from './inbox-store.js';
import type { PhoneCallRow } from './phone-store.js';
import { ANSWER_EXAMPLE, DIAL_BODY_EXAMPLE, DIAL_EXAMPLE, HANGUP_EXAMPLE, KEYS_BODY_EXAMPLE, KEYS_EXAMPLE, ONLINE_BODY_EXAMPLE, PHONE_EXAMPLE } from './phone-examples.js';
import { PORT_BLOCK } from '../silent/simulated-operator.js';
import type { VirtualPhone } from './virtual-phone.js';

const E164 = /^\+[1-9][0-9]{6,14}$/;

const Step = Type.Union([
  Type.Object({ say: Type.String(), locale: Type.String() }),
  Type.Object({ play: Type.String() }),
  Type.Object({ gather: Type.Object({ timeoutS: Type.Number(), prompt: Type.Array(Type.Union([Type.Object({ say: Type.String(), locale: Type.String() }), Type.Object({ play: Type.String() })])) }) }),
  Type.Object({ hangup: Type.Boolean() }),
]);

const Call = Type.Object({
  id: Type.String(),
  direction: Type.Enum(['outbound', 'inbound'], { description: 'outbound: Verity rang this phone; inbound: this phone dialled a number' }),
  channel: Type.Union([Type.String(), Type.Null()]),
  verification_id: Type.Union([Type.String(), Type.Null()], { description: 'The verification the call was for; for a dialled call, the one it approved' }),
  from: Type.String(),
  to: Type.String(),
  status: Type.Enum(['ringing', 'answered', 'ended']),
  digits: Type.Union([Type.String(), Type.Null()]),
  disposition: Type.Union([Type.String(), Type.Null()], {
    description:
      'How an ended call ended: completed, rejected (declined), no-answer, busy, failed or canceled; a dialled call is completed when it approved a verification and rejected when none was waiting for it',
  }),
  script: Type.Array(Step, { description: 'What the call says and does once answered' }),
  created_at: Timestamp,
});

/** What a call action answers: the call after it, and what the phone hears; `example` for the action's reference. */
const Action = (example: object) => Type.Object({ call: Call, heard: Type.Array(Step, { description: 'What the phone hears now' }) }, { examples: [example] });

const Params = Type.Object({ number: Type.String({ maxLength: 32, description: 'The phone’s E.164 number (+ may be written %2B)', examples: ['+14155550100'] }) });
const CallParams = Type.Object({
  ...Params.properties,
  id: Type.String({ maxLength: 64, description: 'A call this phone received (vpc_…), from its calls', examples: ['vpc_0oB7BqWQrLp9nYa103mn77'] }),
});

function view(c: PhoneCallRow) {
  return {
    id: c.id,
    direction: c.direction as 'outbound' | 'inbound',
    channel: c.channel,
    verification_id: c.verification_id,
    from: c.from,
    to: c.to,
    status: c.status as 'ringing' | 'answered' | 'ended',
    digits: c.digits,
    disposition: c.disposition,
    script: JSON.parse(c.script) as never,
    created_at: new Date(c.created_at).toISOString(),
  };
}

/** A number as typed: `+` arrives as a space unless encoded, and people paste spaces and dashes. */
function phone(raw: string): string {
  const n = `+${raw.replace(/[^0-9]/g, '')}`;
  if (!E164.test(n)) throw new AppError('INVALID_PHONE_NUMBER', 'the phone number must be in international format, like +5511987654321');
  return n;
}

/** The virtual phone (sandbox): drive the call channels and silent verification by hand or from tests. */
export function phoneRoutes(phones: VirtualPhone, inbox: InboxStore) {
  return async function routes(app: App): Promise<void> {
    const tags = [TAG.sandbox];
    const callErrors = problems('CALL_NOT_FOUND', 'CALL_STATE', 'INVALID_PHONE_NUMBER');

    app.get(
      '/v1/sandbox/phones/:number',
      {
        schema: {
          tags,
          summary: 'A virtual phone: its calls (newest first), the messages it received, and its data session on the simulated operator',
          description: 'Any number is a virtual phone of the calling account; one nothing reached answers with empty lists.',
          params: Params,
          response: {
            200: Type.Object(
              {
                number: Type.String(),
                online: Type.Union([
                  Type.Object({
                    ip: Type.String(),
                    since: Timestamp,
                    ports: Type.Optional(Type.Object({ start: Type.Integer(), end: Type.Integer() }, { description: 'Behind CGNAT (online with a port): the block of ports of ip this phone holds' })),
                  }),
                  Type.Null(),
                ]),
                calls: Type.Array(Call),
                messages: Type.Array(Type.Object({ id: Type.String(), verification_id: Type.String(), channel: Type.String(), text: Type.String(), created_at: Timestamp })),
              },
              { examples: [PHONE_EXAMPLE] },
            ),
            ...problems('INVALID_PHONE_NUMBER'),
          },
        },
      },
      async (req) => {
        const accountId = principalOf(req).accountId;
        const number = phone(req.params.number);
        const [calls, messages, online] = await Promise.all([phones.list(accountId, number, 50), inbox.list(accountId, { to: number, limit: 50 }), phones.status(accountId, number)]);
        return {
          number,
          online: online && { ip: online.ip, since: new Date(online.since).toISOString(), ...(online.ports ? { ports: online.ports } : {}) },
          calls: calls.map(view),
          messages: messages.map((m) => ({ id: m.id, verification_id: m.verification_id, channel: m.channel, text: m.text, created_at: new Date(m.created_at).toISOString() })),
        };
      },
    );

    app.post(
      '/v1/sandbox/phones/:number/calls/:id/answer',
      {
        schema: {
          tags,
          summary: 'Answer a ringing call',
          description: 'The phone hears the call’s script: a voice call reads the code, an IVR asks for a key.',
          params: CallParams,
          response: { 200: Action(ANSWER_EXAMPLE), ...callErrors },
        },
      },
      async (req) => {
        const r = await phones.answer(principalOf(req).accountId, phone(req.params.number), req.params.id);
        return { call: view(r.call), heard: r.heard as never };
      },
    );

    app.post(
      '/v1/sandbox/phones/:number/calls/:id/keys',
      {
        schema: {
          tags,
          summary: 'Press keys on an answered call (the IVR reads the first)',
          description: '1 approves an IVR verification and any other key declines it; the IVR’s answer ends the call.',
          params: CallParams,
          body: Type.Object({ digits: Type.String({ pattern: '^[0-9*#]{1,10}$' }) }, { additionalProperties: false, examples: [KEYS_BODY_EXAMPLE] }),
          response: { 200: Action(KEYS_EXAMPLE), ...callErrors },
        },
      },
      async (req) => {
        const r = await phones.press(principalOf(req).accountId, phone(req.params.number), req.params.id, req.body.digits);
        return { call: view(r.call), heard: r.heard as never };
      },
    );

    app.post(
      '/v1/sandbox/phones/:number/calls/:id/hangup',
      {
        schema: {
          tags,
          summary: 'Hang up (a ringing call is declined)',
          description: 'A ringing call hung up ends `rejected`, an answered one `completed`.',
          params: CallParams,
          response: { 200: Action(HANGUP_EXAMPLE), ...callErrors },
        },
      },
      async (req) => {
        const r = await phones.hangup(principalOf(req).accountId, phone(req.params.number), req.params.id);
        return { call: view(r.call), heard: [] };
      },
    );

    app.post(
      '/v1/sandbox/phones/:number/dial',
      {
        schema: {
          tags,
          summary: 'Call a number from this phone (a reverse call: it approves this account’s verifications waiting for this phone to call that number)',
          description: 'Answers the call, `completed` with the verification it approved, or `rejected` when none was waiting for this call.',
          params: Params,
          body: Type.Object(
            { to: Type.String({ minLength: 3, maxLength: 32, description: 'The number to call: a reverse-call verification’s call_to' }) },
            { additionalProperties: false, examples: [DIAL_BODY_EXAMPLE] },
          ),
          response: { 200: Type.Object({ call: Call }, { examples: [DIAL_EXAMPLE] }), ...problems('INVALID_PHONE_NUMBER') },
        },
      },
      async (req) => {
        const call = await phones.dial(principalOf(req).accountId, phone(req.params.number), phone(req.body.to));
        return { call: view(call) };
      },
    );

    app.post(
      '/v1/sandbox/phones/:number/online',
      {
        schema: {
          tags,
          summary: 'Open a data session on the simulated operator: this number holds this public address from now on',
          description: `With a port the phone sits behind CGNAT: it holds the aligned block of ${PORT_BLOCK} ports of ip around port (taking it from any phone that held it), and only a request naming a port in that block matches it. Without a port it holds ip itself, and a request with any port or none matches it.`,
          params: Params,
          body: Type.Object(
            { ip: Type.String({ maxLength: 64, description: 'IPv4 or IPv6' }), port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })) },
            { additionalProperties: false, examples: [ONLINE_BODY_EXAMPLE] },
          ),
          response: { 204: Type.Null(), ...problems('INVALID_PHONE_NUMBER') },
        },
      },
      async (req, reply) => {
        await phones.online(principalOf(req).accountId, phone(req.params.number), req.body.ip, req.body.port);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/v1/sandbox/phones/:number/offline',
      {
        schema: {
          tags,
          summary: 'End the phone’s data session on the simulated operator',
          description: 'A silent verification of this number then finds no device; a phone with no session is left as it is.',
          params: Params,
          response: { 204: Type.Null(), ...problems('INVALID_PHONE_NUMBER') },
        },
      },
      async (req, reply) => {
        await phones.offline(principalOf(req).accountId, phone(req.params.number));
        return reply.code(204).send(null);
      },
    );
  };
}
