import { Type } from 'typebox';
import { AppError } from '../errors/index.js';
import { clientPort } from '../http/client-port.js';
import { problems } from '../http/schemas.js';
import type { App } from '../http/types.js';
import { SilentStateError } from './definition.js';
import type { SilentRouter } from './silent-router.js';

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
          tags: ['verifications'],
          summary: 'A silent verification’s check-in link, opened by the device over its mobile data: its source address is what the network is asked about',
          params: Type.Object({ token: Type.String({ maxLength: 2048 }) }),
          response: {
            200: Type.Object({ verification_id: Type.String(), status: Type.String() }),
            302: Type.Null({ description: 'To the operator, when it authenticates the device itself (CAMARA)' }),
            ...problems('INVALID_CALLBACK'),
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
          tags: ['verifications'],
          summary: 'The operator’s redirect back after the device authenticated on its network (silent channel)',
          params: Type.Object({ name: Type.String({ maxLength: 64, description: 'The SILENT_ROUTES entry’s name' }) }),
          querystring: Type.Record(Type.String(), Type.String({ maxLength: 4096 })),
          response: {
            200: Type.Object({ verification_id: Type.String(), status: Type.String({ description: 'The verification’s status after the answer' }) }),
            ...problems('PROVIDER_NOT_FOUND', 'INVALID_CALLBACK'),
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
