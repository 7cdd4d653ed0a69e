import { TAG } from '../http/reference.js';
import { problems } from '../http/schemas.js';
import { principalOf, type App } from '../http/types.js';
import type { AnalyticsService } from './analytics-service.js';
import { ProviderAnalytics, ProviderAnalyticsQuery, VerificationAnalytics, VerificationAnalyticsQuery } from './schemas.js';

export function analyticsRoutes(analytics: AnalyticsService) {
  return async function routes(app: App): Promise<void> {
    app.get(
      '/v1/analytics/verifications',
      {
        schema: {
          tags: [TAG.analytics],
          summary: 'Conversion: verifications started, sent, delivered, approved, failed, expired and canceled, time to approve and spend, by period and group',
          querystring: VerificationAnalyticsQuery,
          response: { 200: VerificationAnalytics, ...problems('FORBIDDEN') },
        },
      },
      async (req) => analytics.verifications(principalOf(req), req.query),
    );
    app.get(
      '/v1/analytics/providers',
      {
        schema: {
          tags: [TAG.analytics],
          summary: 'Delivery per provider and channel: attempts, delivery rate, median time to receipt, top error codes',
          querystring: ProviderAnalyticsQuery,
          response: { 200: ProviderAnalytics, ...problems('FORBIDDEN') },
        },
      },
      async (req) => analytics.providers(principalOf(req), req.query),
    );
  };
}
