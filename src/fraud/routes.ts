import { problems } from '../http/schemas.js';
import { principalOf, type App } from '../http/types.js';
import type { GeoPermissions } from './geo-permissions.js';
import { GeoPutBody, GeoQuery, GeoScope, GeoView } from './schemas.js';

export function fraudRoutes(geo: GeoPermissions) {
  return async function routes(app: App): Promise<void> {
    app.get(
      '/v1/fraud/geo',
      {
        schema: {
          tags: ['fraud'],
          summary: 'Geo permissions: the countries each scope (account, service, channel) allows or blocks, and the server’s default',
          querystring: GeoQuery,
          response: { 200: GeoView, ...problems('FORBIDDEN') },
        },
      },
      async (req) => geo.view(principalOf(req), req.query.account),
    );
    app.put(
      '/v1/fraud/geo',
      {
        schema: {
          tags: ['fraud'],
          summary: 'Sets one scope’s geo permissions (replacing what it had); a scope with no countries and no default is removed',
          body: GeoPutBody,
          response: { 200: GeoScope, ...problems('FORBIDDEN', 'SERVICE_NOT_FOUND') },
        },
      },
      async (req) => geo.put(principalOf(req), req.body),
    );
  };
}
