// The front desk and deliveries views in a real browser (Debian Chromium): set the client's endpoint,
// add a customer at the front desk, see the message arrive at a real receiver and the delivery shown as
// Delivered with its payload; edit the customer. Screenshots go to test-artifacts/.
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { dialects, startTestApp } from '../helpers/app.ts';
import { artifactsDirectory, launchChromium } from '../helpers/browser.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { gross } from '../helpers/tenancy.ts';

const chromiumPath = inject('chromiumPath');

describe('the front desk and deliveries in a browser', () => {
  it('adds a customer at the front desk and shows its delivery as Delivered', async () => {
    const t = await startTestApp(dialects[0]!, { CONTROL_API: 'on', WEBHOOK_BATCH_MS: '50' });
    const receiver = await startReceiver();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    if (!chromiumPath) {
      expect((await fetch(`${origin}/console/events`)).status).toBe(200);
      await t.close();
      await receiver.close();
      return;
    }
    const browser = await launchChromium(chromiumPath);
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`${origin}/console/events`);

      await page.getByRole('tab', { name: 'Client endpoints' }).click();
      const endpointForm = page.locator('#endpoint-form');
      await endpointForm.locator('input[name="ClientToken"]').fill(gross.ClientToken);
      await endpointForm.locator('input[name="GeneralWebhookUrl"]').fill(`${receiver.url}/desk?token=browser-secret`);
      await endpointForm.getByRole('button', { name: 'Save endpoints' }).click();
      await page.getByText(`${receiver.url}/desk`, { exact: true }).waitFor({ timeout: 15_000 });
      expect(await page.locator('#endpoints').innerText()).not.toContain('browser-secret');

      await page.getByRole('tab', { name: 'Front desk' }).click();
      const desk = page.locator('#front-desk form.customer').first();
      await desk.locator('input[name="FirstName"]').fill('Brow');
      await desk.locator('input[name="LastName"]').fill('Ser');
      await desk.locator('input[name="Email"]').fill('brow.ser@example.com');
      await desk.getByRole('button', { name: 'Add customer' }).click();
      await page.getByText(/^Added [0-9a-f-]{36}/).waitFor({ timeout: 15_000 });
      const customerId = /Added ([0-9a-f-]{36})/.exec(await page.locator('#status').innerText())![1]!;
      const row = page.locator(`#front-desk tr[data-id="${customerId}"]`);
      await row.waitFor();
      await page.screenshot({ path: join(artifactsDirectory, 'console-front-desk.png') });

      const [request] = await receiver.waitFor(1);
      expect(request!.body.Events.map((event: any) => [event.Discriminator, event.Value.Id])).toEqual([['CustomerAdded', customerId], ['CustomerUpdated', customerId]]);

      await page.getByRole('tab', { name: 'Deliveries' }).click();
      const delivered = page.locator('#deliveries tr[data-state="Delivered"]').first();
      await delivered.waitFor({ timeout: 15_000 });
      expect(await delivered.innerText()).toContain(`${receiver.url}/desk`);
      await delivered.click();
      expect(await page.locator('#delivery-payload').innerText()).toContain(customerId);
      await page.screenshot({ path: join(artifactsDirectory, 'console-deliveries.png') });

      // Edit at the front desk: one more message, CustomerUpdated.
      await page.getByRole('tab', { name: 'Front desk' }).click();
      await row.getByRole('button', { name: 'Edit' }).click();
      await page.locator('#customer-editor input[name="Phone"]').fill('+44 20 7946 0000');
      await page.locator('#customer-editor').getByRole('button', { name: 'Save customer' }).click();
      await page.getByText(`Saved ${customerId}`).waitFor({ timeout: 15_000 });
      const [, second] = await receiver.waitFor(2);
      expect(second!.body.Events).toEqual([{ Discriminator: 'CustomerUpdated', Value: { Id: customerId } }]);
      expect(await page.locator(`#front-desk tr[data-id="${customerId}"]`).innerText()).toContain('+44 20 7946 0000');
    } finally {
      await browser.close();
      await t.close();
      await receiver.close();
    }
  }, 60_000);
});

describe('integrations in a browser', () => {
  it('connects a property: the receiver gets IntegrationCreated and the token shown once answers configuration/get', async () => {
    const t = await startTestApp(dialects[0]!, { CONTROL_API: 'on', WEBHOOK_BATCH_MS: '50' });
    const receiver = await startReceiver();
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const set = await fetch(`${origin}/_connector/webhooks/endpoints`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ClientToken: gross.ClientToken, IntegrationWebhookUrl: `${receiver.url}/integrations` }),
    });
    expect(set.status).toBe(200);
    if (!chromiumPath) {
      expect((await fetch(`${origin}/console/events`)).status).toBe(200);
      await t.close();
      await receiver.close();
      return;
    }
    const browser = await launchChromium(chromiumPath);
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(`${origin}/console/events`);
      await page.getByRole('tab', { name: 'Integrations' }).click();
      const form = page.locator('#connect-form');
      await form.locator('input[name="ClientToken"]').fill(gross.ClientToken);
      await form.locator('input[name="Name"]').fill('Browser Bay Hotel');
      await form.getByRole('button', { name: 'Connect' }).click();
      const token = await page.locator('#new-token-value').innerText({ timeout: 15_000 });
      const [request] = await receiver.waitFor(1);
      expect(request!.body).toMatchObject({ Action: 'IntegrationCreated', Data: { AccessToken: token, Enterprise: { Name: 'Browser Bay Hotel' }, IsEnabled: true } });
      const integrationId = request!.body.Data.Integration.Id;
      const row = page.locator(`#integrations tr[data-id="${integrationId}"]`);
      await row.waitFor();
      expect(await row.innerText()).toContain(`${token.slice(0, 4)}…${token.slice(-4)}`);
      expect(await page.locator('#integrations table').innerText()).not.toContain(token);
      await page.screenshot({ path: join(artifactsDirectory, 'console-integrations.png') });
      const configuration = await fetch(`${origin}/api/connector/v1/configuration/get`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ClientToken: gross.ClientToken, AccessToken: token, Client: 'browser test' }),
      });
      expect(configuration.status).toBe(200);
      // Disable from the console: the token is refused, the receiver told.
      await row.getByRole('button', { name: 'Disable' }).click();
      await page.locator(`#integrations tr[data-id="${integrationId}"][data-state="Disabled"]`).waitFor({ timeout: 15_000 });
      const [, disabled] = await receiver.waitFor(2);
      expect(disabled!.body).toEqual({ Action: 'IntegrationDisabled', Data: { Integration: { Id: integrationId, Name: 'Are you ready to integrate with Mews?' } } });
      const refused = await fetch(`${origin}/api/connector/v1/configuration/get`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ClientToken: gross.ClientToken, AccessToken: token, Client: 'browser test' }),
      });
      expect(refused.status).toBe(401);
    } finally {
      await browser.close();
      await t.close();
      await receiver.close();
    }
  }, 60_000);
});
