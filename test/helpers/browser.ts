/**
 * Headless Debian Chromium for the browser tests, on a page that may reach one origin only: every
 * other request is refused and recorded (`outside`), so a page must work from what the server under
 * test serves alone. `serve` answers some of that origin's paths itself (files a test puts there).
 */
import { type Browser, chromium, type Page, type Route } from 'playwright-core';

export interface OfflinePage {
  browser: Browser;
  page: Page;
  /** Requests to anywhere but the origin, refused. */
  outside: string[];
  /** Uncaught errors on the page. */
  pageErrors: string[];
  close(): Promise<void>;
}

export async function offlinePage(origin: string, serve?: (url: URL, route: Route) => Promise<void> | undefined): Promise<OfflinePage> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update'],
  });
  const page = await browser.newPage();
  const outside: string[] = [];
  const pageErrors: string[] = [];
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    if (url.origin !== origin) {
      outside.push(url.href);
      return route.abort();
    }
    return serve?.(url, route) ?? route.continue();
  });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  return { browser, page, outside, pageErrors, close: () => browser.close() };
}
