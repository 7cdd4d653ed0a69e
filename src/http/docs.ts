import swagger from '@fastify/swagger';
import apiReference from '@scalar/fastify-api-reference';
import { documentTags } from './reference.js';
import type { App } from './types.js';

const DESCRIPTION = `Self-hosted verification of phone numbers and email addresses.

Start a verification with \`POST /v1/verifications\`, then check the code the user typed with \`POST /v1/verifications/{id}/check\`.
Authenticate with an API key as HTTP Basic (key id as the user name, secret as the password) or with an OAuth access token.

Every error is RFC 9457 problem+json with a stable \`code\`; each operation lists the codes it can answer.
Any request can also be answered \`MALFORMED_JSON\`, \`UNSUPPORTED_MEDIA_TYPE\` or \`BODY_TOO_LARGE\` when its body cannot be read,
and \`NOT_FOUND\` for a path that does not exist.
The vendor-compatible APIs answer in each vendor's own format instead.`;

/** Verity's colours over the reference's default theme, light and dark. */
const BRAND_CSS = `
.light-mode { --scalar-color-accent: #0f766e; --scalar-background-accent: #0f766e1a; }
.dark-mode { --scalar-color-accent: #2dd4bf; --scalar-background-accent: #2dd4bf1f; }
.light-mode, .dark-mode { --scalar-sidebar-color-active: var(--scalar-color-accent); }
`;

/** A check mark in a rounded square, as the page's icon. */
const FAVICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0f766e"/><path d="M9 16.5l4.5 4.5L23 11" fill="none" stroke="#fff" stroke-width="3.2" stroke-linecap="round" stroke-linejoin="round"/></svg>',
)}`;

/**
 * OpenAPI 3.1 generated from the route schemas, served at /openapi.json, and the API reference at
 * /docs: verifications first, the vendor-compatible APIs and health in groups of their own, every
 * script and style served from here (no fonts, telemetry or proxy from elsewhere), so it works offline.
 */
export async function installDocs(app: App, opts: { ui: boolean; version: string }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Verity API', version: opts.version, description: DESCRIPTION },
      ...documentTags(),
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'basic', description: 'key_id as the user name, secret as the password' },
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from POST /oauth/token' },
        },
      },
      security: [{ apiKey: [] }, { bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  if (!opts.ui) return;
  await app.register(apiReference, {
    routePrefix: '/docs',
    logLevel: 'warn',
    configuration: {
      // Also served as /docs/openapi.json and /docs/openapi.yaml, which the page reads.
      content: () => app.swagger(),
      pageTitle: 'Verity API reference',
      favicon: FAVICON,
      customCss: BRAND_CSS,
      withDefaultFonts: false,
      telemetry: false,
      hideClientButton: true,
      agent: { disabled: true },
      showDeveloperTools: 'never',
      defaultOpenFirstTag: true,
      documentDownloadType: 'json',
      defaultHttpClient: { targetKey: 'shell', clientKey: 'curl' },
    },
  });
}
