import { Type } from 'typebox';
import { problems } from '../http/schemas.js';
import { principalOf, type App } from '../http/types.js';
import type { FraudSettings } from './fraud-settings.js';
import type { GeoPermissions } from './geo-permissions.js';
import type { SafeList } from './safe-list.js';
import { FraudSettingsPut, FraudSettingsQuery, FraudSettingsView, GeoPutBody, GeoQuery, GeoScope, GeoView, SafeEntry, SafeListAdd, SafeListEntryParams, SafeListView, SpendView } from './schemas.js';
import type { SpendCaps } from './spend-caps.js';

export function fraudRoutes(geo: GeoPermissions, settings: FraudSettings, spend: SpendCaps, safe: SafeList) {
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
    app.get(
      '/v1/fraud/settings',
      {
        schema: {
          tags: ['fraud'],
          summary: 'The account’s fraud and cost control settings: the pumping rules’ mode and threshold, its spend caps, and the server’s defaults',
          querystring: FraudSettingsQuery,
          response: { 200: FraudSettingsView, ...problems('FORBIDDEN') },
        },
      },
      async (req) => settings.view(principalOf(req), req.query.account),
    );
    app.put(
      '/v1/fraud/settings',
      {
        schema: {
          tags: ['fraud'],
          summary: 'Changes the account’s fraud and cost control settings (what the body names)',
          body: FraudSettingsPut,
          response: { 200: FraudSettingsView, ...problems('FORBIDDEN') },
        },
      },
      async (req) => settings.put(principalOf(req), req.body),
    );
    app.get(
      '/v1/fraud/spend',
      {
        schema: {
          tags: ['fraud'],
          summary: 'Where the account stands against its spend caps: this hour, day and month, and today per country',
          querystring: FraudSettingsQuery,
          response: { 200: SpendView, ...problems('FORBIDDEN') },
        },
      },
      async (req) => spend.standing(principalOf(req), req.query.account),
    );
    app.get(
      '/v1/fraud/safe-list',
      {
        schema: {
          tags: ['fraud'],
          summary: 'The safe list: numbers and prefixes that geo permissions and the pumping rules never block (spend caps still hold)',
          querystring: FraudSettingsQuery,
          response: { 200: SafeListView, ...problems('FORBIDDEN') },
        },
      },
      async (req) => safe.list(principalOf(req), req.query.account),
    );
    app.post(
      '/v1/fraud/safe-list',
      {
        schema: {
          tags: ['fraud'],
          summary: 'Adds a number or a prefix to the safe list',
          body: SafeListAdd,
          response: { 201: SafeEntry, ...problems('FORBIDDEN', 'INVALID_PHONE_NUMBER') },
        },
      },
      async (req, reply) => reply.code(201).send(await safe.add(principalOf(req), req.body)),
    );
    app.delete(
      '/v1/fraud/safe-list/:entry',
      {
        schema: {
          tags: ['fraud'],
          summary: 'Takes a number or a prefix off the safe list',
          params: SafeListEntryParams,
          querystring: FraudSettingsQuery,
          response: { 204: Type.Null({ description: 'Removed' }), ...problems('FORBIDDEN', 'SAFE_LIST_ENTRY_NOT_FOUND') },
        },
      },
      async (req, reply) => {
        await safe.remove(principalOf(req), req.query.account, req.params.entry);
        return reply.code(204).send(null);
      },
    );
  };
}
