// Working in the console in a real browser (Debian Chromium): add a program, a tier and a membership
// (names shown beside ids), go from a program to its tiers and members, see a refusal as the API
// answers it, list customers and companies, set a fault rule and see it fire in the journal (which
// follows the chain picker and refreshes by itself), a disabled pager button that looks disabled, a
// notice that stays, and the one navigation across both pages. Screenshots go to test-artifacts/.
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { dialects, startTestApp } from '../helpers/app.ts';
import { artifactsDirectory, launchChromium } from '../helpers/browser.ts';
import { gross, grossChainId, net, netChainId } from '../helpers/tenancy.ts';

const chromiumPath = inject('chromiumPath');

describe('working in the console in a browser', () => {
  it('adds a program, a tier and a membership, sees names, and sees a fault rule fire in the journal', async () => {
    const t = await startTestApp(dialects[0]!, { CONTROL_API: 'on' });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const company = await t.call('companies/add', { ...gross, Name: 'Ledger & Sons', Options: { Invoiceable: false, AddFeesToInvoices: false, AddTaxDeductedPaymentToInvoices: false } });
    expect(company.status).toBe(200);
    if (!chromiumPath) {
      expect((await fetch(`${origin}/console/views.js`)).status).toBe(200);
      await t.close();
      return;
    }
    const browser = await launchChromium(chromiumPath);
    try {
      const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
      page.on('dialog', (dialog) => void dialog.accept());
      const status = page.locator('#status');
      await page.goto(`${origin}/console`);
      await page.locator('#chain option').first().waitFor({ state: 'attached' });
      await page.locator('#chain').selectOption(grossChainId);

      // A guest at the front desk's view, shared by the Customers tab.
      await page.getByRole('tab', { name: 'Customers' }).click();
      const desk = page.locator('#customers form.customer').first();
      await desk.locator('input[name="FirstName"]').fill('Ada');
      await desk.locator('input[name="LastName"]').fill('Ledger');
      await desk.getByRole('button', { name: 'Add customer' }).click();
      await status.getByText(/^Added [0-9a-f-]{36}/).waitFor({ timeout: 15_000 });
      const customerId = /Added ([0-9a-f-]{36})/.exec(await status.innerText())![1]!;
      await page.locator(`#customers tr[data-id="${customerId}"]`).waitFor();

      await page.getByRole('tab', { name: 'Companies' }).click();
      await page.locator(`#records tr[data-id="${company.body.Companies[0].Id}"]`).getByText('Ledger & Sons').waitFor({ timeout: 15_000 });

      // A program, added through the console.
      await page.getByRole('tab', { name: 'Programs' }).click();
      await page.getByRole('button', { name: 'Add program' }).click();
      const editor = page.locator('#editor form');
      await editor.locator('[name="Name"]').fill('Browser Club');
      await editor.locator('[name="Code"]').fill('BROWSER');
      await editor.getByRole('button', { name: 'Add program' }).click();
      await status.getByText(/^Added program Browser Club \(([0-9a-f-]{36})\)/).waitFor({ timeout: 15_000 });
      const programId = /\(([0-9a-f-]{36})\)/.exec(await status.innerText())![1]!;
      const programRow = page.locator(`#records tr[data-id="${programId}"]`);
      await programRow.waitFor();

      // The same code again: the refusal as the API answers it (status and Message).
      const refusal = await t.call('loyaltyPrograms/add', { ...gross, LoyaltyPrograms: [{ Name: 'Browser Club', Code: 'BROWSER' }] });
      expect(refusal.status).toBeGreaterThanOrEqual(400);
      await page.getByRole('button', { name: 'Add program' }).click();
      await editor.locator('[name="Name"]').fill('Browser Club');
      await editor.locator('[name="Code"]').fill('BROWSER');
      await editor.getByRole('button', { name: 'Add program' }).click();
      await status.getByText(`${refusal.status}: ${refusal.body.Message}`).waitFor({ timeout: 15_000 });
      expect(await page.locator('#status.error').count()).toBe(1);
      await editor.getByRole('button', { name: 'Cancel' }).click();

      // From the program to its tiers: the list filtered by it, a new tier starts in it.
      await programRow.getByRole('button', { name: 'Tiers' }).click();
      await page.waitForURL(/#tiers$/);
      expect(await page.locator('#filters [name="LoyaltyProgramId"]').inputValue()).toBe(programId);
      await page.getByRole('button', { name: 'Add tier' }).click();
      expect(await editor.locator('[name="LoyaltyProgramId"]').inputValue()).toBe(programId);
      await editor.locator('[name="Name"]').fill('Gold');
      await editor.locator('[name="Code"]').fill('GOLD');
      await editor.locator('[name="Ordering"]').fill('1');
      await editor.getByRole('button', { name: 'Add tier' }).click();
      await status.getByText(/^Added tier Gold/).waitFor({ timeout: 15_000 });
      const tierRow = page.locator('#records tbody tr', { hasText: 'GOLD' });
      await tierRow.waitFor();
      expect(await tierRow.innerText()).toContain('Browser Club');
      const tierId = await tierRow.getAttribute('data-id');

      // And to its members: a membership of Ada in the program, at Gold.
      await page.getByRole('tab', { name: 'Programs' }).click();
      await programRow.getByRole('button', { name: 'Members' }).click();
      await page.waitForURL(/#memberships$/);
      await page.getByRole('button', { name: 'Add membership' }).click();
      await editor.locator('[name="AccountId"]').selectOption(customerId);
      expect(await editor.locator('[name="LoyaltyProgramId"]').inputValue()).toBe(programId);
      await editor.locator('[name="LoyaltyTierId"]').selectOption(tierId!);
      await editor.locator('[name="MembershipNumber"]').fill('BR-1');
      await editor.locator('[name="Points"]').fill('10');
      await editor.getByRole('button', { name: 'Add membership' }).click();
      await status.getByText(/^Added membership BR-1/).waitFor({ timeout: 15_000 });
      const membershipRow = page.locator('#records tbody tr', { hasText: 'BR-1' });
      await membershipRow.waitFor();
      const shown = await membershipRow.innerText();
      for (const name of ['Ada Ledger', 'Browser Club', 'Gold']) expect(shown).toContain(name);
      expect(await page.locator('#records tbody tr').count()).toBe(1);
      await page.screenshot({ path: join(artifactsDirectory, 'console-work-memberships.png') });

      // Edit it: the API's update.
      await membershipRow.getByRole('button', { name: 'Edit' }).click();
      await editor.locator('[name="Points"]').fill('25');
      await editor.getByRole('button', { name: 'Save membership' }).click();
      await status.getByText(/^Saved membership/).waitFor({ timeout: 15_000 });
      await expect.poll(() => membershipRow.innerText()).toContain('25');
      const stored = await t.call('loyaltyMemberships/getAll', { ...gross, MembershipNumbers: ['BR-1'], Limitation: { Count: 10 } });
      expect(stored.body.LoyaltyMemberships[0]).toMatchObject({ AccountId: customerId, LoyaltyProgramId: programId, LoyaltyTierId: tierId, Points: 25 });

      // A fault rule set in the console fires on the next getAll; the journal shows it without a click.
      await page.getByRole('tab', { name: 'Fault rules' }).click();
      const faultForm = page.locator('#fault-form');
      await faultForm.locator('[name="Operation"]').fill('loyaltyMembership/getAll');
      await faultForm.locator('[name="Status"]').selectOption('503');
      await faultForm.getByRole('button', { name: 'Add rule' }).click();
      await status.getByText(/^400: .*did you mean loyaltyMemberships\/getAll/).waitFor({ timeout: 15_000 });
      await faultForm.locator('[name="Operation"]').fill('loyaltyMemberships/getAll');
      await faultForm.locator('[name="Status"]').selectOption('503');
      await faultForm.locator('[name="Count"]').fill('1');
      await faultForm.getByRole('button', { name: 'Add rule' }).click();
      await status.getByText(/^Fault rule [0-9a-f-]{36} added/).waitFor({ timeout: 15_000 });
      await page.locator('#faults tbody tr', { hasText: 'loyaltyMemberships/getAll' }).waitFor();
      await page.screenshot({ path: join(artifactsDirectory, 'console-work-faults.png') });

      await page.getByRole('tab', { name: 'Journal' }).click();
      await page.locator('#summary').getByText(/calls of this chain/).waitFor({ timeout: 15_000 });
      const faulted = await t.call('loyaltyMemberships/getAll', { ...gross, Limitation: { Count: 10 } });
      expect(faulted.status).toBe(503);
      const otherChain = await t.call('configuration/get', net);
      const entry = page.locator(`#records tbody tr[data-id="${faulted.headers['request-id']}"]`);
      await entry.waitFor({ timeout: 15_000 });
      expect(await entry.getAttribute('class')).toMatch(/failed/);
      expect(await entry.getAttribute('class')).toMatch(/fault/);
      expect(await page.locator(`#records tbody tr[data-id="${otherChain.headers['request-id']}"]`).count()).toBe(0);
      await entry.click();
      expect(await page.locator('#details-title').innerText()).toContain('(injected fault)');
      await page.screenshot({ path: join(artifactsDirectory, 'console-work-journal.png') });
      // The journal follows the chain picker.
      await page.locator('#chain').selectOption(netChainId);
      await page.locator(`#records tbody tr[data-id="${otherChain.headers['request-id']}"]`).waitFor({ timeout: 15_000 });
      expect(await page.locator(`#records tbody tr[data-id="${faulted.headers['request-id']}"]`).count()).toBe(0);
      await page.locator('#chain').selectOption(grossChainId);

      // A disabled "Next page" looks disabled; a notice stays after the list reloads.
      await page.getByRole('tab', { name: 'Programs' }).click();
      await page.locator('#summary').getByText(/shown/).waitFor({ timeout: 15_000 });
      const next = page.locator('#next-page');
      expect(await next.isDisabled()).toBe(true);
      expect(Number(await next.evaluate((button) => getComputedStyle(button).opacity))).toBeLessThan(0.6);
      await page.locator('#reset').click();
      await status.getByText('The chain was reset.').waitFor({ timeout: 15_000 });
      await expect.poll(() => page.locator(`#records tr[data-id="${programId}"]`).count()).toBe(0);
      await page.waitForTimeout(300);
      expect(await status.innerText()).toContain('The chain was reset.');
      expect(await page.locator('#summary').innerText()).toMatch(/shown/);
      await page.screenshot({ path: join(artifactsDirectory, 'console-work-reset.png') });

      // One navigation: to the events page and back, on the same chain.
      await page.getByRole('tab', { name: 'Deliveries' }).click();
      await page.waitForURL(/\/console\/events#deliveries$/);
      await page.locator('#deliveries').waitFor({ state: 'visible' });
      expect(await page.locator('#chain').inputValue()).toBe(grossChainId);
      await page.getByRole('tab', { name: 'Journal' }).click();
      await page.waitForURL(/\/console#journal$/);
      await page.locator('#summary').getByText(/calls of this chain/).waitFor({ timeout: 15_000 });
    } finally {
      await browser.close();
      await t.close();
    }
  }, 90_000);
});
