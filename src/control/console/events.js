// The hotel staff's views: the front desk (add and edit a customer: the same events as the API), the
// webhook deliveries (payload, state, attempts, last answer, redeliver), the clients' endpoints, and the
// integrations (connect a property, then disable, enable, cancel, reinstate, rotate the key, delete).
// Each view is one self-contained function over the control plane under /_connector/.
'use strict';
(() => {
  const $ = (selector) => document.querySelector(selector);
  const page = { chainId: null };

  $('#admin-token').value = sessionStorage.getItem('adminToken') ?? '';
  $('#admin-token').addEventListener('change', (event) => sessionStorage.setItem('adminToken', event.target.value));

  async function control(method, path, body) {
    const token = $('#admin-token').value;
    const response = await fetch(`/_connector${path}`, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(`${response.status}: ${answer.Message ?? response.statusText} (Request-Id ${response.headers.get('request-id')})`);
    return answer;
  }

  function say(text, isError = false) {
    $('#status').textContent = text;
    $('#status').className = isError ? 'error' : '';
  }

  const element = (tag, properties = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), properties);
    node.append(...children);
    return node;
  };

  function table(columns, rows, decorate) {
    const head = element('tr', {}, ...columns.map((name) => element('th', { textContent: name })));
    const body = rows.map((row) => {
      const tr = element('tr', {}, ...columns.map((name) => element('td', { textContent: row[name] === null || row[name] === undefined ? '—' : String(row[name]) })));
      if (decorate) decorate(tr, row);
      return tr;
    });
    return element('table', {}, element('thead', {}, head), element('tbody', {}, ...body));
  }

  function customerForm(title, submitLabel, values, onSubmit) {
    const fields = ['FirstName', 'LastName', 'Email', 'Phone', 'LoyaltyCode'];
    const form = element('form', { className: 'customer' }, element('strong', { textContent: title }));
    for (const name of fields) {
      form.append(element('label', { textContent: name }, element('input', { name, value: values[name] ?? '' })));
    }
    form.append(element('button', { type: 'submit', textContent: submitLabel }));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = {};
      for (const name of fields) {
        const value = form.elements[name].value.trim();
        if (value) body[name] = value;
      }
      try {
        await onSubmit(body);
      } catch (error) {
        say(error.message, true);
      }
    });
    return form;
  }

  async function frontDeskView() {
    const section = $('#front-desk');
    const editor = element('div', { id: 'customer-editor' });
    const list = element('div');
    const refresh = async () => {
      const { Items } = await control('GET', `/chains/${page.chainId}/customers?Count=50`);
      list.replaceChildren(table(['Id', 'FirstName', 'LastName', 'Email', 'Phone', 'LoyaltyCode', 'UpdatedUtc'], Items, (tr, customer) => {
        tr.dataset.id = customer.Id;
        const edit = element('button', { type: 'button', textContent: 'Edit' });
        edit.addEventListener('click', () => editor.replaceChildren(customerForm(`Edit ${customer.LastName}`, 'Save customer', customer, async (body) => {
          await control('POST', `/chains/${page.chainId}/customers/${customer.Id}`, body);
          say(`Saved ${customer.Id}: CustomerUpdated recorded.`);
          editor.replaceChildren();
          await refresh();
        })));
        tr.append(element('td', {}, edit));
      }));
    };
    const add = customerForm('New guest', 'Add customer', {}, async (body) => {
      const customer = await control('POST', `/chains/${page.chainId}/customers`, body);
      say(`Added ${customer.Id}: CustomerAdded and CustomerUpdated recorded.`);
      add.reset();
      await refresh();
    });
    section.replaceChildren(add, editor, list);
    await refresh();
  }

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
  let current = 'front-desk';

  async function show(view) {
    current = view;
    for (const tab of document.querySelectorAll('nav [role="tab"]')) tab.setAttribute('aria-selected', String(tab.dataset.view === view));
    for (const name of Object.keys(views)) $(`#${name}`).hidden = name !== view;
    try {
      await views[view]();
    } catch (error) {
      say(error.message, true);
    }
  }

  for (const tab of document.querySelectorAll('nav [role="tab"]')) tab.addEventListener('click', () => void show(tab.dataset.view));
  $('#chain').addEventListener('change', (event) => {
    page.chainId = event.target.value;
    void show(current);
  });

  (async () => {
    try {
      const { Chains } = await control('GET', '/chains');
      $('#chain').replaceChildren(...Chains.map((chain) => new Option(`${chain.Name} (${chain.Id.slice(0, 8)})`, chain.Id)));
      page.chainId = Chains[0]?.Id ?? null;
      await show(current);
    } catch (error) {
      say(error.message, true);
    }
  })();
})();
