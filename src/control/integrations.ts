// The control plane as the hotel connecting and managing integrations (docs/behaviour.md): connect a
// property, disable, enable, cancel, reinstate, regenerate the key, delete, list. Each change records
// its Integration Webhook in the same transaction; a change that lost a race answers 409 and sends
// nothing. Tokens are made here, answered once, and kept only as a hash and a hint.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { IntegrationWebhookMessage } from '../contract/webhooks.ts';
import { recordIntegrationMessage, webhookTime } from '../events/integration-messages.ts';
import type { Deliverer } from '../events/deliverer.ts';
import { concurrencyConflict, invalidParameter, unknownRecord } from '../loyalty/errors.ts';
import type { Store } from '../store/connect.ts';
import type { Database } from '../store/database.ts';
import * as integrations from '../store/integrations.ts';
import { existingChainIds, selectEnterprise, upsertChain, upsertEnterprise } from '../store/tenancy.ts';
import { selectClientEndpoints } from '../store/outbox.ts';
import { tokenHint } from '../tenancy/integrations.ts';
import { registerEndpoints } from './endpoints.ts';
import type { ControlRequest } from './contract.ts';
import { integrationControlEndpoints as e } from './events-contract.ts';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** A token shaped like the published ones: 32 and 31 uppercase hex digits. */
const newAccessToken = () => `${randomBytes(16).toString('hex').toUpperCase()}-${randomBytes(16).toString('hex').toUpperCase().slice(0, 31)}`;

type Verb = 'disable' | 'enable' | 'cancel' | 'reinstate' | 'delete';
const transitions: Record<Verb, { from: readonly string[]; to: string; action: IntegrationWebhookMessage['Action'] }> = {
  disable: { from: ['Enabled'], to: 'Disabled', action: 'IntegrationDisabled' },
  enable: { from: ['Disabled'], to: 'Enabled', action: 'IntegrationEnabled' },
  cancel: { from: ['Enabled', 'Disabled'], to: 'Canceled', action: 'IntegrationCanceled' },
  reinstate: { from: ['Canceled'], to: 'Enabled', action: 'IntegrationReinstated' },
  delete: { from: ['Enabled', 'Disabled', 'Canceled'], to: 'Deleted', action: 'IntegrationDeleted' },
};

const toIntegration = (record: integrations.IntegrationRecord) => ({
  IntegrationId: record.integrationId ?? '',
  Name: record.clientName,
  ClientTokenHash: record.clientTokenHash.slice(0, 12),
  State: record.state as 'Enabled',
  AccessToken: record.tokenHint,
  IsPortfolio: record.isPortfolio,
  EnterpriseIds: record.enterprises.map((enterprise) => enterprise.id),
  ChainIds: [...new Set(record.enterprises.map((enterprise) => enterprise.chainId))],
  CreatedUtc: record.createdUtc,
  DeletedUtc: record.deletedUtc,
});

const reference = (record: integrations.IntegrationRecord) => ({ Id: record.integrationId!, Name: record.clientName });

type ConnectParameters = ControlRequest<typeof e.connectIntegration>['body'];

/** The enterprise a new integration is for: an existing one, or one made now (in a new chain when none is named). */
async function enterpriseToConnect(trx: Kysely<Database>, body: ConnectParameters, now: Date): Promise<{ id: string; chainId: string; name: string }> {
  if (body.EnterpriseId != null) {
    const found = await selectEnterprise(trx, body.EnterpriseId.toLowerCase());
    if (!found || found.isPortfolio) throw invalidParameter('EnterpriseId', 'not an enterprise of the tenancy.');
    return { id: found.id, chainId: found.chainId, name: found.name };
  }
  const { Name, ChainId } = body.Enterprise!;
  let chainId = ChainId?.toLowerCase();
  if (chainId) {
    if (!(await existingChainIds(trx, [chainId])).has(chainId)) throw invalidParameter('Enterprise.ChainId', 'not a chain of the tenancy.');
  } else {
    chainId = randomUUID();
    await upsertChain(trx, { id: chainId, name: Name }, now);
  }
  const enterprise = { id: randomUUID(), chainId, name: Name };
  await upsertEnterprise(trx, { ...enterprise, isPortfolio: false, isEnabled: true, profile: {} }, now);
  return enterprise;
}

async function connectIntegration(store: Store, trx: Kysely<Database>, body: ConnectParameters) {
  const clientTokenHash = sha256(body.ClientToken);
  if (!(await selectClientEndpoints(trx, clientTokenHash))) throw invalidParameter('ClientToken', 'not a client of the tenancy.');
  const now = new Date();
  const enterprise = await enterpriseToConnect(trx, body, now);
  await store.lockChains(trx, [enterprise.chainId]);
  const accessToken = newAccessToken();
  const integrationId = randomUUID();
  await integrations.insertIntegration(trx, {
    integrationId, tokenHash: sha256(accessToken), tokenHint: tokenHint(accessToken), clientTokenHash, enterpriseId: enterprise.id,
  }, now);
  const record = (await integrations.selectIntegration(trx, integrationId))!;
  await recordIntegrationMessage(trx, clientTokenHash, integrationId, {
    Action: 'IntegrationCreated',
    Data: {
      Enterprise: { Id: enterprise.id, Name: enterprise.name }, Requestor: null, AccessToken: accessToken,
      CreatedUtc: webhookTime(now), IsEnabled: true, Integration: reference(record),
    },
  }, now);
  return { IntegrationId: integrationId, AccessToken: accessToken, EnterpriseId: enterprise.id, ChainId: enterprise.chainId };
}

async function findIntegration(trx: Kysely<Database>, id: string): Promise<integrations.IntegrationRecord> {
  const record = await integrations.selectIntegration(trx, id.toLowerCase());
  if (!record) throw unknownRecord('IntegrationId');
  return record;
}

/** A move from one state to another, with its Integration Webhook; 409 when another change came first. */
async function changeState(trx: Kysely<Database>, integrationId: string, verb: Verb) {
  const record = await findIntegration(trx, integrationId);
  const { from, to, action } = transitions[verb];
  if (!from.includes(record.state)) {
    throw invalidParameter('State', `the integration is ${record.state}; ${verb} needs ${from.join(' or ')}.`);
  }
  const now = new Date();
  if (!(await integrations.changeIntegrationState(trx, record.tokenHash, record.state, to, verb === 'delete' ? now : null))) throw concurrencyConflict();
  const message = (verb === 'delete'
    ? { Action: action, Data: { DeletedUtc: webhookTime(now), Integration: reference(record) } }
    : { Action: action, Data: { Integration: reference(record) } }) as IntegrationWebhookMessage;
  await recordIntegrationMessage(trx, record.clientTokenHash, record.integrationId!, message, now);
  return toIntegration((await integrations.selectIntegration(trx, record.integrationId!))!);
}

async function regenerateKey(trx: Kysely<Database>, integrationId: string) {
  const record = await findIntegration(trx, integrationId);
  if (record.state === 'Deleted') throw invalidParameter('State', 'the integration is Deleted; regenerate-key needs Enabled, Disabled or Canceled.');
  const accessToken = newAccessToken();
  if (!(await integrations.replaceIntegrationToken(trx, record.tokenHash, sha256(accessToken), tokenHint(accessToken)))) throw concurrencyConflict();
  const now = new Date();
  await recordIntegrationMessage(trx, record.clientTokenHash, record.integrationId!, {
    Action: 'IntegrationApiKeyCreated', Data: { Integration: reference(record), ApiKey: accessToken },
  }, now);
  const enterprise = record.enterprises[0]!;
  return { IntegrationId: record.integrationId!, AccessToken: accessToken, EnterpriseId: record.portfolioEnterpriseId ?? enterprise.id, ChainId: enterprise.chainId };
}

export function registerIntegrationControl(control: FastifyInstance, { store, deliverer }: { store: Store; deliverer: Deliverer }): void {
  // Each change commits with its Integration Webhook, then wakes the deliverer to send it.
  const inTransaction = async <T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> => {
    const result = await store.db.transaction().execute(work);
    deliverer.wake();
    return result;
  };
  const change = (verb: Verb) => async ({ params }: { params: { IntegrationId: string } }) =>
    inTransaction((trx) => changeState(trx, params.IntegrationId, verb));

  registerEndpoints(control, e, {
    connectIntegration: async ({ body }) => {
      if ((body.EnterpriseId == null) === (body.Enterprise == null)) {
        throw invalidParameter('EnterpriseId', 'give either EnterpriseId (an existing enterprise) or Enterprise (a new one), not both.');
      }
      return inTransaction((trx) => connectIntegration(store, trx, body));
    },
    listIntegrations: async () => ({ Integrations: (await integrations.listIntegrations(store.db)).map(toIntegration) }),
    disableIntegration: change('disable'),
    enableIntegration: change('enable'),
    cancelIntegration: change('cancel'),
    reinstateIntegration: change('reinstate'),
    deleteIntegration: change('delete'),
    regenerateIntegrationKey: async ({ params }) => inTransaction((trx) => regenerateKey(trx, params.IntegrationId)),
  });
}
