import type { SwaggerTransform } from '@fastify/swagger';
import type { FastifySchema } from 'fastify';

/**
 * The reference's groups, in the order a reader meets them: verifications first. Routes name
 * their group through `TAG`, so a group the document does not list cannot be used.
 */
const GROUPS = {
  verifications: ['Verifications', 'Start a verification, check the code the user typed, resend, cancel, list and read its timeline.'],
  services: ['Services', 'Settings for one use case: brand, code length, validity, channels and the fallback workflow.'],
  templates: ['Templates', 'Message and call texts per channel and locale, over the built-in ones.'],
  silent: ['Silent verification', 'The mobile network confirms the device: the device leg and the network callbacks.'],
  sandbox: ['Sandbox', 'The virtual phone of the sandbox provider: messages that arrived, calls to answer, numbers to dial.'],
  fraud: ['Fraud and spend', 'Pumping rules, prefix blocks, geo permissions, spend caps, the safe list and every decision with its reasons.'],
  webhooks: ['Webhooks', 'Signed event delivery (Standard Webhooks), the delivery log and replay.'],
  analytics: ['Analytics', 'Conversion, time to verify, spend and delivery by provider over time.'],
  providers: ['Providers', 'Where messages and calls go: SMTP, SMPP, HTTP vendors and the sandbox, with their routes.'],
  delivery: ['Delivery receipts', 'Status callbacks from providers.'],
  numbers: ['Number pools', 'Caller ids for flash calls and the numbers users dial for reverse calls.'],
  sounds: ['Sounds', 'Audio that voice and IVR calls play.'],
  account: ['Keys and balance', "The calling account's API keys and balance."],
  accounts: ['Accounts (operator)', 'Tenants, their credit and their keys; for the operator account only.'],
  auth: ['OAuth', 'Client-credentials access tokens for the API.'],
  operator: ['Operator network', 'Address ranges and carrier-grade NAT pools a mobile operator feeds to silent verification.'],
  numberVerification: ['CAMARA Number Verification', 'The CAMARA Number Verification API over the silent channel.'],
  compat: ['Vendor credentials', "Credentials in a vendor's own form, for the vendor-compatible APIs below."],
  claro: ['Claro SMV', 'The Claro Brasil SMV API (OAuth 2 client credentials, JSON), over the same verifications.'],
  zadarma: ['Zadarma', 'The Zadarma verification API (signed form requests), over the same verifications.'],
  smsc: ['SMSC', 'The SMSC.ru HTTP API for codes by SMS and call, over the same verifications.'],
  messagecentral: ['Message Central', 'The Message Central VerifyNow API, over the same verifications.'],
  health: ['Health and metrics', 'Liveness, readiness and Prometheus metrics.'],
} as const satisfies Record<string, readonly [string, string]>;

type Group = keyof typeof GROUPS;

/** The document's name of each group, for a route's `tags`. */
export const TAG = Object.fromEntries(Object.entries(GROUPS).map(([k, [name]]) => [k, name])) as { [K in Group]: (typeof GROUPS)[K][0] };

/** The sidebar's sections, each a list of groups. */
const SECTIONS: Array<[string, Group[]]> = [
  ['Verify', ['verifications', 'services', 'templates', 'silent', 'sandbox']],
  ['Protect', ['fraud']],
  ['Observe', ['webhooks', 'analytics']],
  ['Deliver', ['providers', 'delivery', 'numbers', 'sounds']],
  ['Accounts', ['account', 'accounts', 'auth']],
  ['Mobile operators', ['operator', 'numberVerification']],
  ['Vendor-compatible APIs', ['compat', 'claro', 'zadarma', 'smsc', 'messagecentral']],
  ['Operations', ['health']],
];

/** Top-level `tags` (in reading order) and `x-tagGroups` of the OpenAPI document. */
export function documentTags(): { tags: Array<{ name: string; description: string }>; 'x-tagGroups': Array<{ name: string; tags: string[] }> } {
  return {
    tags: SECTIONS.flatMap(([, groups]) => groups.map((g) => ({ name: GROUPS[g][0], description: GROUPS[g][1] }))),
    'x-tagGroups': SECTIONS.map(([name, groups]) => ({ name, tags: groups.map((g) => GROUPS[g][0]) })),
  };
}

/**
 * Route options for an endpoint that checks its own wire format (a vendor's form fields, its own
 * error envelope, a text answer): `schema` describes it in the document only, and is never used
 * to validate or serialize, so the endpoint answers exactly as the vendor would.
 */
export function describedOnly(schema: FastifySchema): { swaggerTransform: SwaggerTransform } {
  return { swaggerTransform: ({ url }) => ({ schema, url }) };
}
