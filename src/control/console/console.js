// The main console: a chain's programs, tiers and memberships (browse, add, edit, delete through the
// API's own operations, from a program to its tiers and members), its customers (the front desk's view)
// and companies, the fault rules, and the request journal of the chain (refreshed while shown; failed
// calls highlighted, click one for its bodies); reset a chain, save and load snapshots. Ids are shown
// with the name of what they point to. It talks only to the control plane under /_connector/.
'use strict';
(() => {
  const { $, element, control, say, chains, navigation, text, table, customersView } = window.ConnectorConsole;
  const pageSize = 25;
  const journalRefreshMs = 3000;
  const state = { view: 'programs', chainId: null, cursor: null, nextCursor: null, selected: null, presets: {}, timer: null };
  let nav;
  /** Id -> name of the chain's programs, tiers and accounts, for the cells that hold ids. */
  const names = { programs: new Map(), tiers: new Map(), accounts: new Map() };

  const activity = ['ActivityState', 'Activity', ['Active', 'Deleted']];
  const membershipStates = ['New', 'Pending', 'Enrolled', 'Canceled', 'Declined'];
  const resources = {
    programs: {
      path: 'loyaltyPrograms', singular: 'program', items: 'LoyaltyPrograms', updates: 'LoyaltyProgramUpdates', id: 'LoyaltyProgramId', ids: 'LoyaltyProgramIds',
      columns: ['Id', 'Name', 'Code', 'Type', 'Subscription'],
      filters: [activity],
      fields: [
        { name: 'Name' }, { name: 'Code', fixed: true },
        { name: 'Type', options: ['Hotel', 'ExternalPartner', 'SoftBrand', 'Unknown'] }, { name: 'Subscription', options: ['Free', 'Paid'] },
      ],
    },
    tiers: {
      path: 'loyaltyTiers', singular: 'tier', items: 'LoyaltyTiers', updates: 'LoyaltyTierUpdates', id: 'LoyaltyTierId', ids: 'LoyaltyTierIds',
      columns: ['Id', 'LoyaltyProgramId', 'Name', 'Code', 'Ordering'],
      filters: [['LoyaltyProgramId', 'Program', 'programs'], activity],
      fields: [{ name: 'LoyaltyProgramId', label: 'Program', pick: 'programs', fixed: true }, { name: 'Name' }, { name: 'Code' }, { name: 'Ordering', integer: true }],
    },
    memberships: {
      path: 'loyaltyMemberships', singular: 'membership', items: 'LoyaltyMemberships', updates: 'LoyaltyMembershipUpdates', id: 'LoyaltyMembershipId', ids: 'LoyaltyMembershipIds',
      columns: ['Id', 'AccountId', 'LoyaltyProgramId', 'State', 'IsPrimary', 'MembershipNumber', 'Points', 'LoyaltyTierId', 'ExpirationDate'],
      filters: [
        ['LoyaltyProgramId', 'Program', 'programs'], ['AccountId', 'Account', 'accounts'], ['MembershipNumber', 'Membership number'],
        ['MembershipState', 'State', ['', ...membershipStates]], activity,
      ],
      fields: [
        { name: 'AccountId', label: 'Account', pick: 'accounts', fixed: true }, { name: 'LoyaltyProgramId', label: 'Program', pick: 'programs' },
        { name: 'LoyaltyTierId', label: 'Tier', pick: 'tiers', clearable: true }, { name: 'State', options: membershipStates },
        { name: 'IsPrimary', options: ['true', 'false'], boolean: true }, { name: 'MembershipNumber', clearable: true },
        { name: 'Points', integer: true, clearable: true }, { name: 'ExpirationDate', clearable: true, placeholder: 'YYYY-MM-DD' },
      ],
    },
    companies: { path: 'companies', columns: ['Id', 'Name', 'InvoicingEmail', 'ReferenceIdentifier', 'UpdatedUtc'], filters: [] },
    journal: {
      columns: ['TimeUtc', 'Operation', 'Status', 'DurationMs', 'Token', 'Fault', 'Id'],
      filters: [['Operation', 'Operation'], ['Status', 'Status (429 or 4xx)']],
    },
  };
  const idColumns = { LoyaltyProgramId: 'programs', LoyaltyTierId: 'tiers', AccountId: 'accounts' };

  async function refreshNames() {
    const chain = state.chainId;
    const [active, deleted, tiers, customers, companies] = await Promise.all([
      control('GET', `/chains/${chain}/loyaltyPrograms?Count=1000`),
      control('GET', `/chains/${chain}/loyaltyPrograms?Count=1000&ActivityState=Deleted`),
      control('GET', `/chains/${chain}/loyaltyTiers?Count=1000`),
      control('GET', `/chains/${chain}/customers?Count=1000`),
      control('GET', `/chains/${chain}/companies?Count=1000`),
    ]);
    names.programs = new Map([...deleted.Items.map((p) => [p.Id, `${p.Name} (deleted)`]), ...active.Items.map((p) => [p.Id, p.Name])]);
    names.tiers = new Map(tiers.Items.map((t) => [t.Id, `${t.Name} · ${names.programs.get(t.LoyaltyProgramId) ?? 'program ?'}`]));
    names.accounts = new Map([
      ...customers.Items.map((c) => [c.Id, [c.FirstName, c.LastName].filter(Boolean).join(' ')]),
      ...companies.Items.map((c) => [c.Id, `${c.Name} (company)`]),
    ]);
  }

  /** An id with the name of what it points to; the whole id on hover. */
  function named(kind, id) {
    if (id === null || id === undefined) return '—';
    const name = names[kind].get(id);
    const code = element('code', { textContent: `…${id.slice(-8)}`, title: id });
    return element('span', { className: 'named' }, element('span', { className: 'name', textContent: name ?? 'unknown' }), ' ', code);
  }

  const cellOf = (name, row) => (idColumns[name] ? named(idColumns[name], row[name]) : text(row[name]));

  function choices(kind, withAny) {
    return [new Option(withAny ? 'any' : '—', ''), ...[...names[kind]].map(([id, name]) => new Option(`${name} (…${id.slice(-8)})`, id))];
  }

  function renderFilters() {
    const form = $('#filters');
    const spec = resources[state.view];
    form.replaceChildren(...spec.filters.map(([name, label, options]) => {
      const input = options ? element('select', { name }) : element('input', { name });
      if (Array.isArray(options)) for (const option of options) input.append(new Option(option || 'any', option));
      else if (options) input.append(...choices(options, true));
      if (state.presets[name]) input.value = state.presets[name];
      input.addEventListener('change', () => load(true));
      return element('label', { textContent: label }, input);
    }));
    state.presets = {};
    if (spec.filters.length) form.append(element('button', { type: 'submit', textContent: 'Filter' }));
    if (spec.fields) {
      const add = element('button', { type: 'button', textContent: `Add ${spec.singular}` });
      add.addEventListener('click', () => edit(null));
      form.append(add);
    }
  }

  function query() {
    const parameters = new URLSearchParams();
    for (const [name, value] of new FormData($('#filters'))) if (value) parameters.set(name, String(value));
    if (state.view === 'journal') parameters.set('Limit', '200');
    else {
      parameters.set('Count', String(pageSize));
      if (state.cursor) parameters.set('Cursor', state.cursor);
    }
    return parameters.toString();
  }

  /** The add form (row null) or the edit form of a row: the API's add or update, answered as the API answers. */
  function edit(row) {
    const spec = resources[state.view];
    const form = element('form', { className: 'record-editor' }, element('strong', { textContent: row ? `Edit ${spec.singular} ${row.Name ?? row.MembershipNumber ?? row.Id}` : `New ${spec.singular}` }));
    for (const field of spec.fields) {
      let input;
      if (field.pick) input = element('select', { name: field.name }, ...choices(field.pick, false));
      else if (field.options) input = element('select', { name: field.name }, ...(field.boolean ? [] : [new Option('—', '')]), ...field.options.map((o) => new Option(o, o)));
      else input = element('input', { name: field.name, placeholder: field.placeholder ?? '', ...(field.integer ? { inputMode: 'numeric' } : {}) });
      if (row && row[field.name] !== null && row[field.name] !== undefined) input.value = String(row[field.name]);
      // A new tier or membership starts in the program the list is filtered by.
      if (!row && field.pick === 'programs' && $('#filters [name="LoyaltyProgramId"]')?.value) input.value = $('#filters [name="LoyaltyProgramId"]').value;
      if (row && field.fixed) input.disabled = true;
      form.append(element('label', { textContent: field.label ?? field.name }, input));
    }
    const cancel = element('button', { type: 'button', textContent: 'Cancel' });
    cancel.addEventListener('click', () => $('#editor').replaceChildren());
    form.append(element('button', { type: 'submit', textContent: row ? `Save ${spec.singular}` : `Add ${spec.singular}` }), cancel);
    // A number that is not one goes to the API as typed, so its refusal names the field.
    const parse = (field, raw) => (field.boolean ? raw === 'true' : field.integer && /^-?\d+$/.test(raw) ? Number(raw) : raw);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const values = Object.fromEntries(spec.fields.map((field) => [field.name, form.elements[field.name].value.trim()]));
      try {
        if (!row) {
          const item = {};
          for (const field of spec.fields) if (values[field.name] !== '') item[field.name] = parse(field, values[field.name]);
          const added = (await control('POST', `/chains/${state.chainId}/${spec.path}/add`, { [spec.items]: [item] }))[spec.items][0];
          say(`Added ${spec.singular} ${added.Name ?? added.MembershipNumber ?? ''} (${added.Id}).`);
        } else {
          const update = { [spec.id]: row.Id };
          for (const field of spec.fields) {
            if (field.fixed) continue;
            const before = row[field.name] ?? null;
            const value = values[field.name] === '' ? null : parse(field, values[field.name]);
            if (value === before) continue;
            if (value === null && !field.clearable) continue;
            update[field.name] = { Value: value };
          }
          await control('POST', `/chains/${state.chainId}/${spec.path}/update`, { [spec.updates]: [update] });
          say(`Saved ${spec.singular} ${row.Id}.`);
        }
        $('#editor').replaceChildren();
        await refreshNames();
        await load(true);
      } catch (error) {
        say(error.message, true);
      }
    });
    $('#editor').replaceChildren(form);
    form.elements[0]?.focus();
  }

  async function remove(row) {
    const spec = resources[state.view];
    if (!confirm(`Delete ${spec.singular} ${row.Name ?? row.MembershipNumber ?? row.Id}?`)) return;
    try {
      await control('POST', `/chains/${state.chainId}/${spec.path}/delete`, { [spec.ids]: [row.Id] });
      say(`Deleted ${spec.singular} ${row.Id}.`);
      await refreshNames();
      await load(true);
    } catch (error) {
      say(error.message, true);
    }
  }

  function rowActions(tr, row) {
    const spec = resources[state.view];
    tr.dataset.id = row.Id;
    if (!spec.fields) return;
    const actions = element('td', { className: 'actions' });
    const action = (label, run) => {
      const button = element('button', { type: 'button', textContent: label });
      button.addEventListener('click', run);
      actions.append(button);
    };
    if (state.view === 'programs') {
      // From a program to its tiers and members: the other view, filtered by it.
      action('Tiers', () => openView('tiers', { LoyaltyProgramId: row.Id }));
      action('Members', () => openView('memberships', { LoyaltyProgramId: row.Id }));
    }
    action('Edit', () => edit(row));
    action('Delete', () => void remove(row));
    tr.append(actions);
  }

  function openView(view, presets) {
    state.presets = presets;
    if (location.hash === `#${view}`) nav.select();
    else location.hash = view;
  }

  function render(rows) {
    const spec = resources[state.view];
    const journal = state.view === 'journal';
    const drawn = table(spec.columns, rows, (tr, row) => {
      if (!journal) return rowActions(tr, row);
      tr.dataset.id = row.Id;
      if (row.Status >= 400) tr.classList.add('failed');
      if (row.Fault) tr.classList.add('fault');
      if (row.Id === state.selected) tr.classList.add('selected');
      tr.addEventListener('click', () => showEntry(row, tr));
    }, cellOf);
    if (spec.fields) drawn.tHead.rows[0].append(element('th', { textContent: '' }));
    $('#records').className = journal ? 'journal' : '';
    $('#records thead').replaceWith(drawn.tHead);
    $('#records tbody').replaceWith(drawn.tBodies[0]);
  }

  function showEntry(entry, tr) {
    for (const selected of document.querySelectorAll('tr.selected')) selected.classList.remove('selected');
    tr.classList.add('selected');
    state.selected = entry.Id;
    $('#details').hidden = false;
    $('#details-title').textContent = `${entry.Method} ${entry.Path} → ${entry.Status}${entry.Fault ? ' (injected fault)' : ''} · ${entry.Id}`;
    $('#details-request').textContent = JSON.stringify(entry.RequestBody, null, 2);
    $('#details-response').textContent = JSON.stringify(entry.ResponseBody, null, 2);
  }

  function summarize(text) {
    $('#summary').textContent = text;
  }

  /** The journal of the chosen chain; calls refused before the caller was known belong to no chain and are shown too. */
  async function loadJournal() {
    const { Entries } = await control('GET', `/journal?${query()}`);
    const ofChain = Entries.filter((entry) => entry.ChainIds.length === 0 || entry.ChainIds.includes(state.chainId));
    render(ofChain);
    summarize(`${ofChain.length} calls of this chain, newest first, refreshed ${new Date().toLocaleTimeString()}. Failed calls are red, injected faults marked ⚡; click one for its bodies.`);
  }

  async function load(fromStart) {
    if (fromStart) {
      state.cursor = null;
      state.selected = null;
      $('#details').hidden = true;
    }
    $('#next-page').disabled = true;
    $('#first-page').disabled = !state.cursor;
    // The journal is one list of the newest calls: no pages.
    $('.pager').hidden = state.view === 'journal';
    try {
      if (state.view === 'journal') return await loadJournal();
      if (!state.chainId) return;
      const page = await control('GET', `/chains/${state.chainId}/${resources[state.view].path}?${query()}`);
      render(page.Items);
      state.nextCursor = page.Items.length === pageSize ? page.Cursor : null;
      $('#next-page').disabled = !state.nextCursor;
      summarize(`${page.Items.length} shown, newest first${state.cursor ? ' (a later page)' : ''}.`);
    } catch (error) {
      render([]);
      summarize('');
      say(error.message, true);
    }
  }

  async function faultsView() {
    const section = $('#faults');
    const list = element('div');
    const refresh = async () => {
      const { Faults } = await control('GET', '/faults');
      list.replaceChildren(table(['Operation', 'Status', 'LatencyMs', 'Probability', 'RemainingCount', 'InjectedCount', 'RetryAfterSeconds', 'AccessToken', 'Id'], Faults, (tr, rule) => {
        tr.dataset.id = rule.Id;
        const remove = element('button', { type: 'button', textContent: 'Delete' });
        remove.addEventListener('click', async () => {
          try {
            await control('DELETE', `/faults/${rule.Id}`);
            say(`Fault rule ${rule.Id} deleted.`);
            await refresh();
          } catch (error) {
            say(error.message, true);
          }
        });
        tr.append(element('td', {}, remove));
      }));
    };
    const operationNames = element('datalist', { id: 'operation-names' });
    const form = element('form', { id: 'fault-form' },
      element('strong', { textContent: 'New fault rule' }),
      element('label', { textContent: 'Operation (every one when empty)' }, element('input', { name: 'Operation', size: 30 })),
      element('label', { textContent: 'Status' }, element('select', { name: 'Status' }, ...['', '408', '429', '500', '503'].map((s) => new Option(s || '— (latency only)', s)))),
      element('label', { textContent: 'LatencyMs' }, element('input', { name: 'LatencyMs', size: 6 })),
      element('label', { textContent: 'Probability (0 to 1)' }, element('input', { name: 'Probability', size: 4 })),
      element('label', { textContent: 'Count (no limit when empty)' }, element('input', { name: 'Count', size: 6 })),
      element('label', { textContent: 'RetryAfterSeconds' }, element('input', { name: 'RetryAfterSeconds', size: 4 })),
      element('label', { textContent: 'AccessToken (every one when empty)' }, element('input', { name: 'AccessToken', type: 'password', autocomplete: 'off' })),
      element('button', { type: 'submit', textContent: 'Add rule' }), operationNames);
    form.elements.Operation.setAttribute('list', 'operation-names');
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = {};
      for (const name of ['Operation', 'Status', 'LatencyMs', 'Probability', 'Count', 'RetryAfterSeconds', 'AccessToken']) {
        const value = form.elements[name].value.trim();
        if (value === '') continue;
        body[name] = name === 'Operation' || name === 'AccessToken' || Number.isNaN(Number(value)) ? value : Number(value);
      }
      try {
        const rule = await control('POST', '/faults', body);
        say(`Fault rule ${rule.Id} added: ${rule.Operation ?? 'every operation'} answers ${rule.Status ?? `after ${rule.LatencyMs} ms`}.`);
        form.reset();
        await refresh();
      } catch (error) {
        say(error.message, true);
      }
    });
    const clear = element('button', { type: 'button', textContent: 'Delete every rule' });
    clear.addEventListener('click', async () => {
      try {
        await control('DELETE', '/faults');
        say('Every fault rule deleted.');
        await refresh();
      } catch (error) {
        say(error.message, true);
      }
    });
    section.replaceChildren(form, clear, list);
    // The operation names come from the API's own document, so the list never falls behind the server.
    fetch('/openapi.json').then((response) => response.json()).then((document_) => {
      const prefix = '/api/connector/v1/';
      operationNames.replaceChildren(...Object.keys(document_.paths).filter((path) => path.startsWith(prefix)).map((path) => new Option(path.slice(prefix.length))));
    }).catch(() => {});
    await refresh();
  }

  function follow() {
    clearInterval(state.timer);
    if (state.view !== 'journal') return;
    state.timer = setInterval(() => {
      if (document.visibilityState === 'visible' && state.view === 'journal') void loadJournal().catch((error) => say(error.message, true));
    }, journalRefreshMs);
  }

  async function show(view) {
    state.view = view;
    $('#records-view').hidden = !resources[view];
    $('#customers').hidden = view !== 'customers';
    $('#faults').hidden = view !== 'faults';
    $('#editor').replaceChildren();
    follow();
    try {
      if (view === 'customers') return await customersView($('#customers'), state.chainId, () => void refreshNames());
      if (view === 'faults') return await faultsView();
      renderFilters();
      await load(true);
    } catch (error) {
      say(error.message, true);
    }
  }

  $('#filters').addEventListener('submit', (event) => {
    event.preventDefault();
    void load(true);
  });
  $('#next-page').addEventListener('click', () => {
    state.cursor = state.nextCursor;
    void load(false);
  });
  $('#first-page').addEventListener('click', () => void load(true));
  $('#reset').addEventListener('click', async () => {
    if (!confirm('Reset this chain to its tenancy seed? Its programs, tiers and memberships are deleted.')) return;
    try {
      await control('POST', '/reset', { ChainId: state.chainId });
      say('The chain was reset.');
      await refreshNames();
      await show(state.view);
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
      await refreshNames();
      await show(state.view);
    } catch (error) {
      say(error.message, true);
    }
    event.target.value = '';
  });

  nav = navigation('/console', (view) => void show(view));
  (async () => {
    try {
      state.chainId = await chains(async (chainId) => {
        state.chainId = chainId;
        await refreshNames().catch((error) => say(error.message, true));
        await show(state.view);
      });
      if (state.chainId) await refreshNames();
      nav.select();
    } catch (error) {
      say(error.message, true);
    }
  })();
})();
