import type { AddressInfo } from 'node:net';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OfflinePage, offlinePage } from '../helpers/browser.js';
import { SQLITE, startTestApp, type TestApp } from '../helpers/test-app.js';

// The API reference at /docs as a reader sees it: headless Chromium with every request that would
// leave the machine refused and recorded, so the page must render from what Verity serves alone.

/** What a reader sees of an element: its rendered text (hidden tabs and panels left out). */
// biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator's rendered text, which is what a reader sees
const visible = (l: Locator): Promise<string> => l.innerText();

let t: TestApp;
let chrome: OfflinePage;
let page: Page;
let base: string;

beforeAll(async () => {
  t = await startTestApp(SQLITE, { env: { COMPAT_VENDORS: 'claro,zadarma,smsc,messagecentral' } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  chrome = await offlinePage(base);
  page = chrome.page;
}, 60_000);
afterAll(async () => {
  await chrome?.close();
  await t?.close();
});

describe('the API reference at /docs in headless Chromium', () => {
  it('renders with Verity as its name, verifications first and the vendor APIs and health in their own groups, without the network', async () => {
    await page.goto(`${base}/docs`);
    await page.getByRole('heading', { name: 'Verity API', exact: true }).waitFor({ timeout: 30_000 });
    expect(await page.title()).toBe('Verity API reference');
    const nav = await visible(page.getByRole('navigation').first());
    const order = ['Verifications', 'Services', 'Fraud and spend', 'Claro SMV', 'Zadarma', 'SMSC', 'Message Central', 'Health and metrics'].map((g) => nav.indexOf(g));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(nav.indexOf('Verifications')).toBeLessThan(nav.indexOf('Services'));
    expect(chrome.outside).toEqual([]);
    expect(chrome.pageErrors).toEqual([]);
  }, 60_000);

  it("shows an operation's request and response examples and its problem codes", async () => {
    const doc = (await t.get('/openapi.json', null)).body;
    const start = doc.paths['/v1/verifications'].post;
    const request = start.requestBody.content['application/json'];
    const response = start.responses['201'].content['application/json'];
    const to: string = (request.example ?? Object.values(request.examples as Record<string, { value: { to: string } }>)[0]!.value).to;
    const id: string = (response.example ?? Object.values(response.examples as Record<string, { value: { id: string } }>)[0]!.value).id;

    await page.goto(`${base}/docs/#tag/verifications/POST/v1/verifications`);
    const operation = page.locator('[id$="tag/verifications/POST/v1/verifications"]').first();
    await operation.getByText('Start a verification', { exact: false }).first().waitFor({ timeout: 30_000 });
    // The request sample is built from the request example, the response panel shows the 201 example.
    await expect.poll(() => visible(operation), { timeout: 15_000 }).toContain(to);
    await expect.poll(() => visible(operation), { timeout: 15_000 }).toContain(id);
    // The error statuses are tabs; a tab shows its problem examples by code.
    await operation.getByRole('tab', { name: '403' }).click();
    await expect.poll(() => visible(operation), { timeout: 15_000 }).toMatch(/COUNTRY_NOT_ALLOWED|FRAUD_SUSPECTED/);
    expect(chrome.outside).toEqual([]);
  }, 60_000);
});
