// The API reference page in a real browser: it renders from /openapi.json, lists the loyalty
// operations, and loads nothing from outside the server. A screenshot is kept in test-artifacts/.
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { dialects, startTestApp } from '../helpers/app.ts';
import { artifactsDirectory, launchChromium } from '../helpers/browser.ts';

const chromiumPath = inject('chromiumPath');

describe('the API reference page in a browser', () => {
  it('renders /docs offline and lists the loyalty operations', async () => {
    const t = await startTestApp(dialects[0]!);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    if (!chromiumPath) {
      // Without a browser, check what can be checked over HTTP; global-setup has said the browser half did not run.
      expect((await fetch(`${origin}/docs`)).status).toBe(200);
      await t.close();
      return;
    }
    const browser = await launchChromium(chromiumPath);
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 2000 } });
      const outside: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) outside.push(request.url());
      });
      await page.goto(`${origin}/docs`);
      await page.waitForSelector('.opblock-tag', { timeout: 20_000 });
      const tags = await page.locator('.opblock-tag').allInnerTexts();
      for (const resource of ['loyaltyPrograms', 'loyaltyTiers', 'loyaltyMemberships']) {
        expect(tags.some((tag) => tag.includes(resource))).toBe(true);
      }
      await expect.poll(() => page.locator('.opblock-summary-path').allInnerTexts()).toContain('/api/connector/v1/loyaltyMemberships/getAll');
      await page.screenshot({ path: join(artifactsDirectory, 'docs.png'), fullPage: false });
      expect(outside).toEqual([]);
    } finally {
      await browser.close();
      await t.close();
    }
  });
});
