import { TAG } from '../http/reference.js';
import { Type } from 'typebox';
import { AppError } from '../errors/index.js';
import { clientPort } from '../http/client-port.js';
import { publicProblems } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { SilentStateError } from './definition.js';
import type { SilentRouter } from './silent-router.js';

/** What a check-in or a redirect answers: the verification and its status after it. */
const Outcome = Type.Object(
  { verification_id: Type.String(), status: Type.String({ description: 'The verification’s status after the answer: approved, pending (on its next step), failed…' }) },
  { examples: [{ verification_id: 'ver_0oB7BtH6pN2dXw9kFm3QaR', status: 'approved' }] },
);

/** What a device's check-in and an operator's answer settle: the verifications capability answers. */
export interface SilentOutcomes {
  silentCheckIn(token: string, device: { ip: string; port: number | undefined }): Promise<{ verificationId: string; status: string; redirect?: string | undefined }>;
  silentAnswer(verificationId: string, outcome: string): Promise<string>;
}

/**
 * Where an operator sends the device back after network-based authentication (CAMARA). It carries
 * no Verity credentials: the sealed state says which verification it is for, and only a pending
 * silent step takes the answer, so a replayed redirect changes nothing.
 */
export function silentRoutes(router: SilentRouter, verifications: SilentOutcomes, trustProxy: boolean) {
  return async function routes(app: App): Promise<void> {
    app.get(
      '/v1/silent/device/:token',
      {
        schema: {
          tags: [TAG.silent],
          summary: 'A silent verification’s check-in link, opened by the device over its mobile data: its source address is what the network is asked about',
          description:
            'The `redirect_url` of a silent verification started without `device`. The app opens it over mobile data (not Wi-Fi), without credentials; ' +
            'only the first check-in of a step counts, so a replayed link changes nothing.',
          security: [],
          params: Type.Object({ token: Type.String({ maxLength: 2048, description: 'The sealed token of the verification’s redirect_url' }) }),
          response: {
            200: Outcome,
            302: Type.Null({ description: 'To the operator, when it authenticates the device itself (CAMARA)' }),
            ...publicProblems('INVALID_CALLBACK'),
          },
        },
      },
      async (req, reply) => {
        const r = await verifications.silentCheckIn(req.params.token, { ip: req.ip, port: clientPort(req, trustProxy) });
        if (r.redirect) return reply.redirect(r.redirect, 302);
        return { verification_id: r.verificationId, status: r.status };
      },
    );

    app.get(
      '/v1/silent/:name/callback',
      {
        schema: {
          tags: [TAG.silent],
          summary: 'The operator’s redirect back after the device authenticated on its network (silent channel)',
          description: 'Carries no Verity credentials: the sealed `state` says which verification it is for, and only a pending silent step takes the answer.',
          security: [],
          params: Type.Object({ name: Type.String({ maxLength: 64, description: 'The SILENT_ROUTES entry’s name', examples: ['camara'] }) }),
          querystring: Type.Object(
            {
              code: Type.Optional(Type.String({ maxLength: 4096, description: 'The authorization code, when the device authenticated' })),
              state: Type.Optional(Type.String({ maxLength: 4096, description: 'The sealed state Verity sent the device with' })),
              error: Type.Optional(Type.String({ maxLength: 4096, description: 'The operator’s OAuth error, when it refused' })),
            },
            { additionalProperties: Type.String({ maxLength: 4096 }) },
          ),
          response: {
            200: Outcome,
            ...publicProblems('PROVIDER_NOT_FOUND', 'INVALID_CALLBACK'),
          },
        },
      },
      async (req) => {
        const resolver = router.named(req.params.name);
        if (!resolver?.complete) throw new AppError('PROVIDER_NOT_FOUND', `no silent route ${req.params.name} takes redirects`);
        let answer: { verificationId: string; outcome: string };
        try {
          answer = await resolver.complete(req.query);
        } catch (err) {
          if (err instanceof SilentStateError) throw new AppError('INVALID_CALLBACK', err.message);
          throw err;
        }
        const status = await verifications.silentAnswer(answer.verificationId, answer.outcome);
        return { verification_id: answer.verificationId, status };
      },
    );
  };
}
