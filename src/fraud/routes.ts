import { TAG } from '../http/reference.js';
import { Type } from 'typebox';
import { problems } from '../http/schemas.js';
import { principalOf, type App } from '../http/types.js';
import type { FraudSettings } from './fraud-settings.js';
import type { GeoPermissions } from './geo-permissions.js';
import type { PumpingRecord } from './record.js';
import type { SafeList } from './safe-list.js';
import {
  BlockParams,
  BlocksQuery,
  BlocksView,
  BlockView,
  DecisionsPage,
  DecisionsQuery,
  FraudSettingsPut,
  FraudSettingsQuery,
  FraudSettingsView,
  GeoPutBody,
  GeoQuery,
  GeoScope,
  GeoView,
  SafeEntry,
  SafeListAdd,
  SafeListEntryParams,
  SafeListView,
  SpendView,
} from './schemas.js';
import type { SpendCaps } from './spend-caps.js';

export function fraudRoutes(geo: GeoPermissions, settings: FraudSettings, spend: SpendCaps, safe: SafeList, record: PumpingRecord) {
  return async function routes(app: App): Promise<void> {
    app.get(
      '/v1/fraud/geo',
      {
        schema: {
          tags: [TAG.fraud],
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
          tags: [TAG.fraud],
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
          tags: [TAG.fraud],
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
          tags: [TAG.fraud],
          summary: 'Changes the account’s fraud and cost control settings (what the body names)',
          description:
            'Fields left out keep their value; null takes one back to the server’s default. With `service`, only that service’s mode and threshold change (caps belong to the whole account).',
          body: FraudSettingsPut,
          response: { 200: FraudSettingsView, ...problems('FORBIDDEN', 'SERVICE_NOT_FOUND') },
        },
      },
      async (req) => settings.put(principalOf(req), req.body),
    );
    app.get(
      '/v1/fraud/spend',
      {
        schema: {
          tags: [TAG.fraud],
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
          tags: [TAG.fraud],
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
          tags: [TAG.fraud],
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
          tags: [TAG.fraud],
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
    app.get(
      '/v1/fraud/decisions',
      {
        schema: {
          tags: [TAG.fraud],
          summary: 'The pumping rules’ decisions that refused a start or a resend (or would have, in shadow mode), newest first, each with its score and signals',
          querystring: DecisionsQuery,
          response: { 200: DecisionsPage, ...problems('FORBIDDEN') },
        },
      },
      async (req) => record.decisionsOf(principalOf(req), req.query),
    );
    app.get(
      '/v1/fraud/blocks',
      {
        schema: {
          tags: [TAG.fraud],
          summary: 'Prefix blocks: ranges and blocks of numbers refused as a whole for a while after refusals into them kept coming, newest first',
          querystring: BlocksQuery,
          response: { 200: BlocksView, ...problems('FORBIDDEN') },
        },
      },
      async (req) => record.blocksOf(principalOf(req), req.query.account, req.query.active === undefined ? undefined : req.query.active === 'true'),
    );
    app.delete(
      '/v1/fraud/blocks/:id',
      {
        schema: {
          tags: [TAG.fraud],
          summary: 'Lifts an active prefix block at once: its numbers are judged again from the next start',
          params: BlockParams,
          querystring: FraudSettingsQuery,
          response: { 200: BlockView, ...problems('FORBIDDEN', 'FRAUD_BLOCK_NOT_FOUND') },
        },
      },
      async (req) => record.lift(principalOf(req), req.query.account, req.params.id),
    );
  };
}
