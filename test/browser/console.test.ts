// The web console in a real browser: a membership added through the API is found in the console,
// and the journal entry of that call opens with its bodies. Screenshots go to test-artifacts/.
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { dialects, startTestApp } from '../helpers/app.ts';
import { artifactsDirectory, launchChromium } from '../helpers/browser.ts';
import { gross } from '../helpers/tenancy.ts';

const chromiumPath = inject('chromiumPath');

describe('the web console in a browser', () => {
  it('finds a membership added through the API and opens the journal entry of the call', async () => {
    const t = await startTestApp(dialects[0]!, { CONTROL_API: 'on' });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const program = await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: 'Console Club', Code: 'CONSOLE' }] });
    const added = await t.call('loyaltyMemberships/add', {
      ...gross,
      LoyaltyMemberships: [{ AccountId: 'fadd5bb6-b428-45d5-94f8-fd0d89fece6d', LoyaltyProgramId: program.body.LoyaltyPrograms[0].Id, IsPrimary: true, MembershipNumber: 'CONSOLE-42', Points: 42 }],
    });
    expect(added.status).toBe(200);
    const membershipId = added.body.LoyaltyMemberships[0].Id;
    await t.call('loyaltyMemberships/add', { ...gross, LoyaltyMemberships: [] });
    if (!chromiumPath) {
      expect((await fetch(`${origin}/console`)).status).toBe(200);
      await t.close();
      return;
    }
    const browser = await launchChromium(chromiumPath);
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      page.on('dialog', (dialog) => void dialog.dismiss());
      await page.goto(`${origin}/console`);
      await page.getByRole('tab', { name: 'Memberships' }).click();
      await page.locator('#filters input[name="MembershipNumber"]').fill('CONSOLE-42');
      await page.getByRole('button', { name: 'Filter' }).click();
      const row = page.locator(`#records tbody tr[data-id="${membershipId}"]`);
      await row.waitFor({ timeout: 15_000 });
      expect(await row.innerText()).toContain('CONSOLE-42');
      await page.screenshot({ path: join(artifactsDirectory, 'console-memberships.png') });

      await page.getByRole('tab', { name: 'Journal' }).click();
      const call = page.locator(`#records tbody tr[data-id="${added.headers['request-id']}"]`);
      await call.waitFor({ timeout: 15_000 });
      expect(await page.locator('#records tbody tr.failed').count()).toBeGreaterThanOrEqual(1);
      await call.click();
      await page.locator('#details').waitFor({ state: 'visible' });
      expect(await page.locator('#details-title').innerText()).toContain('/api/connector/v1/loyaltyMemberships/add');
      expect(await page.locator('#details-response').innerText()).toContain(membershipId);
      expect(await page.locator('#details-request').innerText()).not.toContain(gross.AccessToken);
      await page.screenshot({ path: join(artifactsDirectory, 'console-journal.png') });
    } finally {
      await browser.close();
      await t.close();
    }
  });
});
