/**
 * The typed client in a browser: headless Chromium loads the built package (packages/client/dist)
 * and openapi-fetch as ES modules through an import map, from the same origin as a listening
 * Verity, and runs a verification, a typed problem and webhook signatures with WebCrypto there.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OfflinePage, offlinePage } from '../helpers/browser.js';
import { type RunningVerity, startVerity } from './verity-server.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CLIENT_DIST = join(ROOT, 'packages', 'client', 'dist');
const OPENAPI_FETCH = join(ROOT, 'node_modules', 'openapi-fetch', 'dist', 'index.mjs');
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>client</title>
<script type="importmap">{"imports":{"@verity/client":"/__client/index.js","openapi-fetch":"/__client/openapi-fetch.mjs"}}</script>
<script type="module">import * as client from '@verity/client'; window.verityClient = client;</script>
</head><body></body></html>`;

/** What the page's module script put on the page: the package's exports, and the page's origin. */
type Loaded = typeof import('@verity/client');
type PageGlobals = { verityClient?: Loaded; location: { origin: string } };

let server: RunningVerity;
let chrome: OfflinePage;
let page: Page;

beforeAll(async () => {
  server = await startVerity();
  // The page, the built package and openapi-fetch are answered on Verity's own origin.
  chrome = await offlinePage(server.url, (url, route) => {
    if (!url.pathname.startsWith('/__client/')) return undefined;
    const file = url.pathname.slice('/__client/'.length);
    if (file === 'page.html') return route.fulfill({ contentType: 'text/html', body: PAGE });
    const path = file === 'openapi-fetch.mjs' ? OPENAPI_FETCH : join(CLIENT_DIST, file);
    if (!path.startsWith(CLIENT_DIST) && path !== OPENAPI_FETCH) return route.fulfill({ status: 404, body: '' });
    return route.fulfill({ contentType: 'text/javascript', body: readFileSync(path, 'utf8') });
  });
  page = chrome.page;
  await page.goto(`${server.url}/__client/page.html`);
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).verityClient !== undefined);
}, 60_000);
afterAll(async () => {
  await chrome?.close();
  await server?.close();
});

describe('the typed client in a browser', () => {
  it('starts a verification, reads the sandbox, approves it and gets a typed problem error', async () => {
    const result = await page.evaluate(
      async ({ keyId, secret }) => {
        const page = globalThis as unknown as PageGlobals;
        const { createVerity, VerityError } = page.verityClient as Loaded;
        const verity = createVerity({ baseUrl: page.location.origin, keyId, secret });
        const to = '+5511987650190';
        const v = await verity.verifications.start({ to, channel: 'sms' });
        let code: string | undefined;
        for (let i = 0; i < 200 && !code; i++) {
          const inbox = await verity.api.GET('/v1/sandbox/messages', { params: { query: { to } } });
          code = inbox.data?.messages.find((m) => m.verification_id === v.id)?.code ?? undefined;
          if (!code) await new Promise((r) => setTimeout(r, 25));
        }
        const checked = await verity.verifications.check(v.id, code ?? '');
        let problem: { code: string; status: number; isVerity: boolean } | undefined;
        try {
          await verity.verifications.get('ver_00000000000000000000');
        } catch (err) {
          problem = { code: (err as { code: string }).code, status: (err as { status: number }).status, isVerity: err instanceof VerityError };
        }
        return { started: v.status, checked: { valid: checked.valid, status: checked.status }, problem };
      },
      { keyId: server.keyId, secret: server.secret },
    );
    expect(result).toEqual({
      started: 'pending',
      checked: { valid: true, status: 'approved' },
      problem: { code: 'VERIFICATION_NOT_FOUND', status: 404, isVerity: true },
    });
    expect(chrome.outside).toEqual([]);
  }, 30_000);

  it('verifies a Standard Webhooks signature with WebCrypto and refuses a tampered body', async () => {
    const secret = `whsec_${Buffer.from('a browser test secret, 32 bytes!').toString('base64')}`;
    const body = JSON.stringify({ type: 'verification.approved', timestamp: new Date().toISOString(), data: { id: 'ver_0oB7BnP7gs9hcTZhhUVPZX' } });
    const now = new Date();
    const headers = {
      'webhook-id': 'evt_0oB7BnP7gs9hcTZhhUVPZY',
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign('evt_0oB7BnP7gs9hcTZhhUVPZY', now, body),
    };
    const result = await page.evaluate(
      async ({ body, headers, secret }) => {
        const { verifyWebhook } = (globalThis as unknown as PageGlobals).verityClient as Loaded;
        const event = await verifyWebhook(body, headers, secret);
        let tampered: string | undefined;
        try {
          await verifyWebhook(body.replace('approved', 'canceled'), headers, secret);
        } catch (err) {
          tampered = (err as { reason?: string; name: string }).reason ?? (err as Error).name;
        }
        return { type: event.type, tampered };
      },
      { body, headers, secret },
    );
    expect(result.type).toBe('verification.approved');
    expect(result.tampered).toBe('invalid_signature');
  }, 30_000);
});
