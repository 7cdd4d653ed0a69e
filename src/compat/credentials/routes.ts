import { TAG } from '../../http/reference.js';
import { Type } from 'typebox';
import { AppError } from '../../errors/index.js';
import { problems, Timestamp } from '../../http/schemas.js';
import { principalOf, type App } from '../../http/types.js';
import { VENDORS, type Vendor, type VendorCredential, type VendorCredentials } from './vendor-credentials.js';

const Settings = Type.Record(Type.String({ maxLength: 64 }), Type.Union([Type.String({ maxLength: 2048 }), Type.Number(), Type.Boolean()]), {
  maxProperties: 10,
  description:
    'Vendor settings of this credential: Zadarma `notify_url` (where call_button results go; it must echo `zd_echo` when saved), `notify_event`, `template_<n>`, `email_template`; SMSC `callback_url` (the handler called after a wait_call); Message Central `service` (the Verity service whose settings apply)',
});

// The reference's examples: an SMSC login that reports call results to the client's handler, and a Claro key.
const smsc = {
  id: 'vcr_0ngi1R3eJSDT91HrGHVhZM',
  vendor: 'smsc',
  login: 'acme-shop',
  settings: { callback_url: 'https://example.com/smsc/callback' },
  created_at: '2026-05-04T10:15:00.000Z',
};
const claro = { id: 'vcr_0ncW35fW6D1Df3tnE7nvpA', vendor: 'claro', login: 'Xk3d9PqL2mN7vR4tY8wZ1aB6cE5fH0jS', settings: {}, created_at: '2026-04-02T11:20:00.000Z' };

const CredentialFields = {
  id: Type.String(),
  vendor: Type.Enum([...VENDORS]),
  login: Type.String({ description: 'Claro key, Zadarma key, SMSC login or Message Central customerId' }),
  settings: Settings,
  created_at: Timestamp,
};
const Credential = Type.Object(CredentialFields);

const Issued = Type.Object(
  {
    ...CredentialFields,
    secret: Type.String({ description: 'Shown only here: Claro secret, Zadarma secret, SMSC password (also its apikey), Message Central password' }),
  },
  // A made-up password.
  { examples: [{ ...smsc, secret: 'EXAMPLEpassw0rd0' }] },
);

const view = (c: Omit<VendorCredential, 'secret'>) => ({ id: c.id, vendor: c.vendor, login: c.login, settings: c.settings as Record<string, string>, created_at: new Date(c.createdAt).toISOString() });

/** An account's credentials in the vendors' own forms, for clients moving over to Verity. */
/** Checks a vendor's settings before they are stored (Zadarma's zd_echo on a notify URL); the problem, if any. */
export type SettingsCheck = (vendor: Vendor, settings: Record<string, unknown>) => Promise<string | undefined>;

export function credentialRoutes(store: VendorCredentials, check: SettingsCheck = async () => undefined) {
  return async function routes(app: App): Promise<void> {
    const tags = [TAG.compat];
    app.post(
      '/v1/compat/credentials',
      {
        schema: {
          tags,
          summary: 'Issue a credential in a vendor’s form (the secret is shown once)',
          description:
            'Claro and Zadarma keys are generated; an SMSC login or a Message Central customerId may be chosen. URL settings must reach a public address (a Zadarma notify_url must also echo zd_echo).',
          body: Type.Object(
            {
              vendor: Type.Enum([...VENDORS]),
              login: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.@-]{3,64}$', description: 'SMSC login or Message Central customerId to use (default generated)' })),
              settings: Type.Optional(Settings),
            },
            { additionalProperties: false, examples: [{ vendor: 'smsc', login: 'acme-shop', settings: { callback_url: 'https://example.com/smsc/callback' } }, { vendor: 'claro' }] },
          ),
          response: { 201: Issued, ...problems('CONFLICT') },
        },
      },
      async (req, reply) => {
        const b = req.body;
        if (b.login && (b.vendor === 'claro' || b.vendor === 'zadarma')) throw new AppError('VALIDATION_FAILED', `${b.vendor} keys are generated; leave login out`);
        const problem = b.settings && (await check(b.vendor, b.settings));
        if (problem) throw new AppError('VALIDATION_FAILED', problem);
        const c = await store.create(principalOf(req).accountId, b.vendor, { login: b.login, settings: b.settings });
        if (!c) throw new AppError('CONFLICT', 'that login is taken');
        return reply.code(201).send({ ...view(c), secret: c.secret });
      },
    );
    app.get(
      '/v1/compat/credentials',
      {
        schema: {
          tags,
          summary: 'The account’s vendor credentials (secrets are never shown again)',
          response: { 200: Type.Object({ credentials: Type.Array(Credential) }, { examples: [{ credentials: [claro, smsc] }] }), ...problems() },
        },
      },
      async (req) => ({
        credentials: (await store.list(principalOf(req).accountId)).map(view),
      }),
    );
    const Params = Type.Object({ id: Type.String({ pattern: '^vcr_[0-9A-Za-z]{1,40}$', description: 'The credential’s id (vcr_…)' }) });
    app.patch(
      '/v1/compat/credentials/:id',
      {
        schema: {
          tags,
          summary: 'Replace a credential’s vendor settings',
          params: Params,
          body: Type.Object({ settings: Settings }, { additionalProperties: false, examples: [{ settings: { callback_url: 'https://example.com/smsc/call-results' } }] }),
          response: { 204: Type.Null(), ...problems('NOT_FOUND') },
        },
      },
      async (req, reply) => {
        const accountId = principalOf(req).accountId;
        const cred = await store.get(accountId, req.params.id);
        if (!cred) throw new AppError('NOT_FOUND', 'no such credential');
        const problem = await check(cred.vendor, req.body.settings);
        if (problem) throw new AppError('VALIDATION_FAILED', problem);
        if (!(await store.setSettings(accountId, req.params.id, req.body.settings))) throw new AppError('NOT_FOUND', 'no such credential');
        return reply.code(204).send(null);
      },
    );
    app.delete('/v1/compat/credentials/:id', { schema: { tags, summary: 'Revoke a credential', params: Params, response: { 204: Type.Null(), ...problems('NOT_FOUND') } } }, async (req, reply) => {
      if (!(await store.remove(principalOf(req).accountId, req.params.id))) throw new AppError('NOT_FOUND', 'no such credential');
      return reply.code(204).send(null);
    });
  };
}
