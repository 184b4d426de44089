// What both console pages share: the one navigation across them, the chain picker (the chosen chain
// follows you from page to page), the control-plane call, the notice line, tables, and the front
// desk's customer list with its add and edit forms. Loaded before each page's own script.
'use strict';
window.ConnectorConsole = (() => {
  const $ = (selector) => document.querySelector(selector);

  const element = (tag, properties = {}, ...children) => {
    const node = Object.assign(document.createElement(tag), properties);
    node.append(...children);
    return node;
  };

  // Every view of both pages, in one bar; a view of the other page is a link to it.
  const views = [
    ['/console', 'programs', 'Programs'], ['/console', 'tiers', 'Tiers'], ['/console', 'memberships', 'Memberships'],
    ['/console', 'customers', 'Customers'], ['/console', 'companies', 'Companies'], ['/console', 'faults', 'Fault rules'],
    ['/console', 'journal', 'Journal'],
    ['/console/events', 'front-desk', 'Front desk'], ['/console/events', 'deliveries', 'Deliveries'],
    ['/console/events', 'endpoints', 'Client endpoints'], ['/console/events', 'integrations', 'Integrations'],
  ];

  /** Draws the navigation; calls `show(view)` for this page's views (from the address's #view). */
  function navigation(page, show) {
    const own = views.filter(([path]) => path === page).map(([, view]) => view);
    const current = () => (own.includes(location.hash.slice(1)) ? location.hash.slice(1) : own[0]);
    const links = views.map(([path, view, label]) => element('a', { href: `${path}#${view}`, textContent: label, role: 'tab' }));
    for (const [index, link] of links.entries()) link.dataset.view = views[index][1];
    $('nav[role="tablist"]').replaceChildren(...links);
    const select = () => {
      const view = current();
      for (const link of links) link.setAttribute('aria-selected', String(link.dataset.view === view));
      show(view);
    };
    window.addEventListener('hashchange', select);
    return { select, current };
  }

  function adminToken() {
    return sessionStorage.getItem('adminToken') ?? '';
  }

  const tokenInput = $('#admin-token');
  tokenInput.value = adminToken();

  /** A control-plane call; a refusal throws the API's own answer: status, Message, Request-Id. */
  async function control(method, path, body) {
    const token = tokenInput.value;
    const response = await fetch(`/_connector${path}`, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(`${response.status}: ${answer.Message ?? response.statusText} (Request-Id ${response.headers.get('request-id')})`);
    return answer;
  }

  // The notice stays until the next notice or until dismissed: counts and summaries go elsewhere.
  function say(text, isError = false) {
    const close = element('button', { type: 'button', className: 'dismiss', textContent: '×', title: 'Dismiss' });
    close.setAttribute('aria-label', 'Dismiss');
    close.addEventListener('click', () => {
      $('#status').replaceChildren();
      $('#status').className = '';
    });
    $('#status').replaceChildren(element('span', { textContent: text }), close);
    $('#status').className = isError ? 'error' : 'notice';
  }

  /** The chain picker; the choice is kept for the session so both pages show the same chain. */
  async function chains(onChange) {
    const { Chains } = await control('GET', '/chains');
    const picker = $('#chain');
    picker.replaceChildren(...Chains.map((chain) => new Option(`${chain.Name} (${chain.Id.slice(0, 8)})`, chain.Id)));
    const kept = sessionStorage.getItem('chainId');
    picker.value = Chains.some((chain) => chain.Id === kept) ? kept : (Chains[0]?.Id ?? '');
    picker.addEventListener('change', () => {
      sessionStorage.setItem('chainId', picker.value);
      onChange(picker.value);
    });
    return picker.value || null;
  }

  tokenInput.addEventListener('change', () => {
    sessionStorage.setItem('adminToken', tokenInput.value);
    location.reload();
  });

  const text = (value) => (value === null || value === undefined ? '—' : String(value));

  /** A table of rows; `cellOf(name, row)` may answer a node or text; `decorate(tr, row)` adds to a row. */
  function table(columns, rows, decorate, cellOf = (name, row) => text(row[name])) {
    const head = element('tr', {}, ...columns.map((name) => element('th', { textContent: name })));
    const body = rows.map((row) => {
      const tr = element('tr', {}, ...columns.map((name) => element('td', {}, cellOf(name, row))));
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

  /** The front desk: a chain's customers, with the add and edit forms (the API's customers/add and update). */
  async function customersView(section, chainId, changed = () => {}) {
    const editor = element('div', { id: 'customer-editor' });
    const list = element('div');
    const refresh = async () => {
      const { Items } = await control('GET', `/chains/${chainId}/customers?Count=50`);
      list.replaceChildren(table(['Id', 'FirstName', 'LastName', 'Email', 'Phone', 'LoyaltyCode', 'UpdatedUtc'], Items, (tr, customer) => {
        tr.dataset.id = customer.Id;
        const edit = element('button', { type: 'button', textContent: 'Edit' });
        edit.addEventListener('click', () => editor.replaceChildren(customerForm(`Edit ${customer.LastName}`, 'Save customer', customer, async (body) => {
          await control('POST', `/chains/${chainId}/customers/${customer.Id}`, body);
          say(`Saved ${customer.Id}: CustomerUpdated recorded.`);
          editor.replaceChildren();
          await refresh();
          changed();
        })));
        tr.append(element('td', {}, edit));
      }));
    };
    const add = customerForm('New guest', 'Add customer', {}, async (body) => {
      const customer = await control('POST', `/chains/${chainId}/customers`, body);
      say(`Added ${customer.Id}: CustomerAdded and CustomerUpdated recorded.`);
      add.reset();
      await refresh();
      changed();
    });
    section.replaceChildren(add, editor, list);
    await refresh();
  }

  return { $, element, control, say, chains, navigation, table, text, customersView };
})();
