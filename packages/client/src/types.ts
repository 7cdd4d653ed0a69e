/** The shapes of the calls the client makes, read from the generated OpenAPI types. */
import type { components, paths } from './generated/openapi.js';

type Json<R> = R extends { content: { 'application/json': infer T } } ? T : never;

export type Verification = components['schemas']['Verification'];
/** What POST /v1/verifications takes: `to`, and `channel` or `workflow`, and the rest optional. */
export type StartBody = Json<paths['/v1/verifications']['post']['requestBody']>;
/** A started verification: a reverse call's `call_to`, a silent step's `redirect_url` besides the usual fields. */
export type StartedVerification = Json<paths['/v1/verifications']['post']['responses'][201]>;
export type CheckResult = Json<paths['/v1/verifications/{id}/check']['post']['responses'][200]>;
export type ResendBody = NonNullable<Json<paths['/v1/verifications/{id}/resend']['post']['requestBody']>>;
export type Channel = NonNullable<ResendBody['channel']>;
export type VerificationPage = Json<paths['/v1/verifications']['get']['responses'][200]>;
export type TimelineEvent = Json<paths['/v1/verifications/{id}/events']['get']['responses'][200]>['events'][number];

type ListQuery = NonNullable<paths['/v1/verifications']['get']['parameters']['query']>;

/** The filters of GET /v1/verifications; the client follows the cursor itself. */
export type ListFilters = Omit<ListQuery, 'cursor' | 'limit'> & {
  /** Page size, 1 to 200 (the server's default is 50); the iterator reads every page whatever it is. */
  limit?: number;
  /** Flat metadata equal to each value: sent as `metadata.<key>=<value>`. */
  metadata?: Record<string, string | number | boolean>;
};
