// The hotel staff's views: the front desk (add and edit a customer: the same events as the API), the
// webhook deliveries (payload, state, attempts, last answer, redeliver), the clients' endpoints, and the
// integrations (connect a property, then disable, enable, cancel, reinstate, rotate the key, delete).
// Each view is one self-contained function over the control plane under /_connector/; the front desk's
// customers view, the navigation and the chain picker are shared with the main console (views.js).
'use strict';
(() => {
  const { $, element, control, say, table, chains, navigation, customersView } = window.ConnectorConsole;
  const page = { chainId: null };

  const frontDeskView = () => customersView($('#front-desk'), page.chainId);

  async function deliveriesView() {
    const section = $('#deliveries');
    const filter = element('select', { name: 'State' }, ...['', 'Pending', 'Delivered', 'Discarded'].map((state) => new Option(state || 'any state', state)));
    const refreshButton = element('button', { type: 'button', textContent: 'Refresh' });
    const forget = element('button', { type: 'button', textContent: 'Forget delivered and discarded' });
    const details = element('pre', { id: 'delivery-payload', hidden: true });
    const list = element('div');
    const refresh = async () => {
      const { Messages } = await control('GET', `/webhooks?Limit=200${filter.value ? `&State=${filter.value}` : ''}`);
      list.replaceChildren(table(['CreatedUtc', 'Kind', 'State', 'Attempts', 'LastStatus', 'LastError', 'NextAttemptUtc', 'Url', 'Id'], Messages, (tr, message) => {
        tr.dataset.id = message.Id;
        tr.dataset.state = message.State;
        if (message.State === 'Discarded') tr.classList.add('failed');
        tr.style.cursor = 'pointer';
        tr.addEventListener('click', () => {
          details.hidden = false;
          details.textContent = JSON.stringify(message.Payload, null, 2);
        });
        const redeliver = element('button', { type: 'button', textContent: 'Redeliver' });
        redeliver.addEventListener('click', async (event) => {
          event.stopPropagation();
          try {
            await control('POST', `/webhooks/${message.Id}/redeliver`);
            say(`Message ${message.Id} is due again now.`);
            await refresh();
          } catch (error) {
            say(error.message, true);
          }
        });
        tr.append(element('td', {}, redeliver));
      }));
    };
    filter.addEventListener('change', () => void refresh().catch((error) => say(error.message, true)));
    refreshButton.addEventListener('click', () => void refresh().catch((error) => say(error.message, true)));
    forget.addEventListener('click', async () => {
      const { Forgotten } = await control('DELETE', '/webhooks');
      say(`Forgot ${Forgotten} messages.`);
      await refresh();
    });
    section.replaceChildren(element('form', {}, element('label', { textContent: 'State' }, filter), refreshButton, forget), list, details);
    await refresh();
  }

  async function endpointsView() {
    const section = $('#endpoints');
    const list = element('div');
    const refresh = async () => {
      const { Clients } = await control('GET', '/webhooks/endpoints');
      list.replaceChildren(table(['Name', 'ClientTokenHash', 'GeneralWebhookUrl', 'IntegrationWebhookUrl'], Clients));
    };
    const form = element('form', { id: 'endpoint-form' },
      element('label', { textContent: 'ClientToken' }, element('input', { name: 'ClientToken', type: 'password', autocomplete: 'off' })),
      element('label', { textContent: 'GeneralWebhookUrl (empty clears)' }, element('input', { name: 'GeneralWebhookUrl', size: 40 })),
      element('label', { textContent: 'IntegrationWebhookUrl (empty clears)' }, element('input', { name: 'IntegrationWebhookUrl', size: 40 })),
      element('button', { type: 'submit', textContent: 'Save endpoints' }));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const value = (name) => form.elements[name].value.trim() || null;
      try {
        await control('POST', '/webhooks/endpoints', { ClientToken: value('ClientToken') ?? '', GeneralWebhookUrl: value('GeneralWebhookUrl'), IntegrationWebhookUrl: value('IntegrationWebhookUrl') });
        form.reset();
        say('Endpoints saved (shown masked: the query may hold a secret).');
        await refresh();
      } catch (error) {
        say(error.message, true);
      }
    });
    section.replaceChildren(form, list);
    await refresh();
  }

  async function integrationsView() {
    const section = $('#integrations');
    const list = element('div');
    // A new token is shown here once, never again: the server keeps only a hint of it.
    const shown = element('p', { id: 'new-token', hidden: true });
    const refresh = async () => {
      const { Integrations } = await control('GET', '/integrations');
      list.replaceChildren(table(['Name', 'State', 'AccessToken', 'EnterpriseIds', 'ChainIds', 'CreatedUtc', 'IntegrationId'], Integrations, (tr, integration) => {
        tr.dataset.id = integration.IntegrationId;
        tr.dataset.state = integration.State;
        const actions = element('td');
        const act = (label, method, path) => {
          const button = element('button', { type: 'button', textContent: label });
          button.addEventListener('click', async () => {
            try {
              const answer = await control(method, `/integrations/${integration.IntegrationId}${path}`);
              if (answer.AccessToken && path === '/regenerate-key') showToken(answer.AccessToken, 'New key');
              else say(`${label}: ${integration.IntegrationId} is ${answer.State}.`);
              await refresh();
            } catch (error) {
              say(error.message, true);
            }
          });
          actions.append(button);
        };
        if (integration.State === 'Enabled') act('Disable', 'POST', '/disable');
        if (integration.State === 'Disabled') act('Enable', 'POST', '/enable');
        if (integration.State === 'Enabled' || integration.State === 'Disabled') act('Cancel', 'POST', '/cancel');
        if (integration.State === 'Canceled') act('Reinstate', 'POST', '/reinstate');
        if (integration.State !== 'Deleted') {
          act('Rotate key', 'POST', '/regenerate-key');
          act('Delete', 'DELETE', '');
        }
        tr.append(actions);
      }));
    };
    const showToken = (token, label) => {
      shown.hidden = false;
      shown.replaceChildren(`${label} (shown once, copy it now): `, element('code', { id: 'new-token-value', textContent: token }));
    };
    const form = element('form', { id: 'connect-form' },
      element('strong', { textContent: 'Connect a property' }),
      element('label', { textContent: 'ClientToken' }, element('input', { name: 'ClientToken', type: 'password', autocomplete: 'off' })),
      element('label', { textContent: 'Existing EnterpriseId' }, element('input', { name: 'EnterpriseId', size: 36 })),
      element('label', { textContent: 'or a new enterprise: Name' }, element('input', { name: 'Name' })),
      element('label', { textContent: 'in ChainId (empty: a new chain)' }, element('input', { name: 'ChainId', size: 36 })),
      element('button', { type: 'submit', textContent: 'Connect' }));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const value = (name) => form.elements[name].value.trim() || null;
      const body = { ClientToken: value('ClientToken') ?? '' };
      if (value('EnterpriseId')) body.EnterpriseId = value('EnterpriseId');
      else body.Enterprise = { Name: value('Name') ?? '', ChainId: value('ChainId') };
      try {
        const connected = await control('POST', '/integrations', body);
        form.reset();
        showToken(connected.AccessToken, `Connected ${connected.IntegrationId} (enterprise ${connected.EnterpriseId}); its access token`);
        await refresh();
      } catch (error) {
        say(error.message, true);
      }
    });
    section.replaceChildren(form, shown, list);
    await refresh();
  }

  const views = { 'front-desk': frontDeskView, deliveries: deliveriesView, endpoints: endpointsView, integrations: integrationsView };

  async function show(view) {
    for (const name of Object.keys(views)) $(`#${name}`).hidden = name !== view;
    try {
      await views[view]();
    } catch (error) {
      say(error.message, true);
    }
  }

  const nav = navigation('/console/events', (view) => void show(view));
  (async () => {
    try {
      page.chainId = await chains((chainId) => {
        page.chainId = chainId;
        void show(nav.current());
      });
      nav.select();
    } catch (error) {
      say(error.message, true);
    }
  })();
})();
