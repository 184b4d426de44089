// The console: browse a chain's programs, tiers and memberships, read the request journal (failed
// calls highlighted, click one for its bodies), reset a chain, save and load snapshots. It talks
// only to the control plane under /_connector/.
'use strict';
(() => {
  const $ = (selector) => document.querySelector(selector);
  const state = { tab: 'loyaltyPrograms', chainId: null, cursor: null, pages: [], rows: [] };
  const columns = {
    loyaltyPrograms: ['Id', 'Name', 'Code', 'Type', 'Subscription'],
    loyaltyTiers: ['Id', 'LoyaltyProgramId', 'Name', 'Code', 'Ordering'],
    loyaltyMemberships: ['Id', 'AccountId', 'LoyaltyProgramId', 'State', 'IsPrimary', 'MembershipNumber', 'Points', 'LoyaltyTierId', 'ExpirationDate'],
    journal: ['TimeUtc', 'Operation', 'Status', 'DurationMs', 'Token', 'Fault', 'Id'],
  };
  const filters = {
    loyaltyPrograms: [['ActivityState', 'Activity', ['Active', 'Deleted']]],
    loyaltyTiers: [['LoyaltyProgramId', 'Program id'], ['ActivityState', 'Activity', ['Active', 'Deleted']]],
    loyaltyMemberships: [
      ['LoyaltyProgramId', 'Program id'], ['AccountId', 'Account id'], ['MembershipNumber', 'Membership number'],
      ['MembershipState', 'State', ['', 'New', 'Pending', 'Enrolled', 'Canceled', 'Declined']], ['ActivityState', 'Activity', ['Active', 'Deleted']],
    ],
    journal: [['Operation', 'Operation'], ['Status', 'Status (429 or 4xx)']],
  };

  $('#admin-token').value = sessionStorage.getItem('adminToken') ?? '';
  $('#admin-token').addEventListener('change', (event) => {
    sessionStorage.setItem('adminToken', event.target.value);
    start();
  });

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

  function renderFilters() {
    const form = $('#filters');
    form.replaceChildren(...filters[state.tab].map(([name, label, options]) => {
      const wrapper = document.createElement('label');
      wrapper.textContent = label;
      const input = options ? document.createElement('select') : document.createElement('input');
      input.name = name;
      if (options) for (const option of options) input.append(new Option(option || 'any', option));
      input.addEventListener('change', () => load(true));
      wrapper.append(input);
      return wrapper;
    }));
    const apply = document.createElement('button');
    apply.type = 'submit';
    apply.textContent = 'Filter';
    form.append(apply);
  }

  function query() {
    const parameters = new URLSearchParams();
    for (const [name, value] of new FormData($('#filters'))) if (value) parameters.set(name, String(value));
    if (state.tab !== 'journal') {
      parameters.set('Count', '25');
      if (state.cursor) parameters.set('Cursor', state.cursor);
    } else {
      parameters.set('Limit', '200');
    }
    return parameters.toString();
  }

  function cell(value) {
    const td = document.createElement('td');
    td.textContent = value === null || value === undefined ? '—' : String(value);
    return td;
  }

  function render(rows) {
    state.rows = rows;
    const names = columns[state.tab];
    const head = document.createElement('tr');
    for (const name of names) {
      const th = document.createElement('th');
      th.textContent = name;
      head.append(th);
    }
    $('#records thead').replaceChildren(head);
    $('#records').className = state.tab === 'journal' ? 'journal' : '';
    $('#records tbody').replaceChildren(...rows.map((row, index) => {
      const tr = document.createElement('tr');
      tr.dataset.index = String(index);
      tr.dataset.id = row.Id;
      if (state.tab === 'journal') {
        if (row.Status >= 400) tr.classList.add('failed');
        if (row.Fault) tr.classList.add('fault');
        tr.addEventListener('click', () => showEntry(row, tr));
      }
      for (const name of names) tr.append(cell(row[name]));
      return tr;
    }));
  }

  function showEntry(entry, tr) {
    for (const selected of document.querySelectorAll('tr.selected')) selected.classList.remove('selected');
    tr.classList.add('selected');
    $('#details').hidden = false;
    $('#details-title').textContent = `${entry.Method} ${entry.Path} → ${entry.Status}${entry.Fault ? ' (injected fault)' : ''} · ${entry.Id}`;
    $('#details-request').textContent = JSON.stringify(entry.RequestBody, null, 2);
    $('#details-response').textContent = JSON.stringify(entry.ResponseBody, null, 2);
  }

  async function load(fromStart) {
    if (fromStart) {
      state.cursor = null;
      state.pages = [];
    }
    $('#details').hidden = true;
    try {
      if (state.tab === 'journal') {
        const { Entries } = await control('GET', `/journal?${query()}`);
        render(Entries);
        say(`${Entries.length} calls, newest first. Failed calls are red; click one for its bodies.`);
        $('#next-page').disabled = true;
        return;
      }
      if (!state.chainId) return;
      const page = await control('GET', `/chains/${state.chainId}/${state.tab}?${query()}`);
      render(page.Items);
      state.nextCursor = page.Items.length === 25 ? page.Cursor : null;
      $('#next-page').disabled = !state.nextCursor;
      say(`${page.Items.length} shown, newest first.`);
    } catch (error) {
      render([]);
      say(error.message, true);
    }
  }

  $('#filters').addEventListener('submit', (event) => {
    event.preventDefault();
    load(true);
  });
  $('#next-page').addEventListener('click', () => {
    state.pages.push(state.cursor);
    state.cursor = state.nextCursor;
    load(false);
  });
  $('#first-page').addEventListener('click', () => load(true));
  for (const tab of document.querySelectorAll('nav [data-tab]')) {
    tab.addEventListener('click', () => {
      for (const other of document.querySelectorAll('nav [data-tab]')) other.setAttribute('aria-selected', String(other === tab));
      state.tab = tab.dataset.tab;
      renderFilters();
      load(true);
    });
  }
  $('#chain').addEventListener('change', (event) => {
    state.chainId = event.target.value;
    load(true);
  });
  $('#reset').addEventListener('click', async () => {
    if (!confirm('Reset this chain to its tenancy seed? Its programs, tiers and memberships are deleted.')) return;
    try {
      await control('POST', '/reset', { ChainId: state.chainId });
      say('The chain was reset.');
      load(true);
    } catch (error) {
      say(error.message, true);
    }
  });
  $('#snapshot-save').addEventListener('click', async () => {
    try {
      const snapshot = await control('GET', `/snapshot?ChainId=${state.chainId}`);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(new Blob([JSON.stringify(snapshot, null, 2)], { type: 'application/json' }));
      link.download = `snapshot-${state.chainId}.json`;
      link.click();
      say('Snapshot saved.');
    } catch (error) {
      say(error.message, true);
    }
  });
  $('#snapshot-load').addEventListener('change', async (event) => {
    const [file] = event.target.files;
    if (!file) return;
    try {
      const result = await control('POST', '/snapshot', JSON.parse(await file.text()));
      say(`Snapshot loaded: ${result.Records} records.`);
      load(true);
    } catch (error) {
      say(error.message, true);
    }
    event.target.value = '';
  });

  async function start() {
    try {
      const { Chains } = await control('GET', '/chains');
      $('#chain').replaceChildren(...Chains.map((chain) => new Option(`${chain.Name} (${chain.Id.slice(0, 8)})`, chain.Id)));
      state.chainId = state.chainId ?? Chains[0]?.Id ?? null;
      if (state.chainId) $('#chain').value = state.chainId;
      renderFilters();
      load(true);
    } catch (error) {
      say(error.message, true);
    }
  }
  start();
})();
