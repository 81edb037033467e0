// The Virtual Series Allotment page. Every rule and every message comes
// from seriesguard: this file only reads the form, shows the library's
// issues next to their fields, and stores series through a SeriesBook over
// IndexedDB (or the reference server's HTTP store, when it serves the page).
// There is no validation logic here to drift from the server's.
import init, { profiles, SeriesBook, indexedDbStore, httpStore, inWords, readCsv, writeCsv } from '/pkg/server.js';
import { importer } from '/import.js';

const form = document.getElementById('series');
const $ = (id) => document.getElementById(id);
try {
  await init();
} catch (error) {
  // Without the library nothing on the form can be checked: say so, and
  // leave nothing that looks usable.
  $('load-error').textContent = `The page could not load its number library (${error.message}). Reload the page; until it loads, nothing can be checked or added.`;
  for (const control of document.querySelectorAll('input, select, button')) control.disabled = true;
  throw error;
}
// One store, one book per number format: a series is validated, counted,
// fingerprinted and stored under the rules of its format, and the store
// keeps the format with it (a pool never mixes two). Served by the
// reference server (examples/server, `npm run page`), the store is its HTTP
// API and every browser shares its PostgreSQL inventory; served as the
// demo, each browser keeps its own in IndexedDB.
async function serverStore() {
  try {
    const answer = await fetch('/api/store', { headers: { accept: 'application/json' } });
    return answer.ok && (await answer.json())?.store === 'http' ? httpStore('/api/store') : null;
  } catch {
    return null;
  }
}
const served = await serverStore();
const store = served ?? indexedDbStore('seriesguard-demo');
document.documentElement.dataset.store = served ? 'server' : 'browser';
$('store-note').textContent = served
  ? 'Series are kept by the server (PostgreSQL), shared by every browser using it.'
  : 'Series are kept in this browser (IndexedDB); other browsers do not see them.';
const books = new Map();
// The book of a number format ('' or 'plain': plain; the form's by default).
function book(format = $('format').value) {
  const key = format === 'plain' ? '' : format;
  if (!books.has(key)) books.set(key, new SeriesBook(store, key ? { format: key } : undefined));
  return books.get(key);
}
// Other tabs of this page hear of every add and delete, and look again.
const tabs = typeof BroadcastChannel === 'function' ? new BroadcastChannel('seriesguard-demo') : null;
const changed = () => tabs?.postMessage('changed');
const grouped = new Intl.NumberFormat('en-US');
// Where each issue field is shown; anything else goes to the general line.
const places = { scope: ['client_code', 'hub_code'], service_types: ['service_types'], type: [], start: ['start'], end: ['end'], item_code: ['item_code'] };
let touched = new Set();
let last = null;
let checking = 0;

function entry() {
  const data = new FormData(form);
  const text = (name) => String(data.get(name) ?? '');
  return {
    client_code: text('client_code'),
    hub_code: text('hub_code'),
    service_types: data.getAll('service_types').map(String),
    type: text('type'),
    start: text('start'),
    end: text('end'),
    item_code: text('item_code'),
  };
}

const rules = () => ($('format').value ? { format: $('format').value } : undefined);
const request = (e, v) => ({ start: e.start, end: e.end, scope: v.customer ?? '', item_code: e.item_code, type: e.type });

// Messages one per line, in words.
const lines = (issues) => issues.map((i) => Object.assign(document.createElement('span'), { className: 'line', textContent: inWords(i) }));

// Whether a field's issues are shown yet: once it was left (a range end
// while it is typed would be wrong at every keystroke), End as soon as it
// is as long as Start, every field after an attempt to add.
function visibleNow(field) {
  if (form.dataset.submitted === 'true') return true;
  if (field === 'end' && $('end').value.trim().length >= Math.max(1, $('start').value.trim().length)) return true;
  return touched.has(field);
}

function show(validation) {
  for (const [field, inputs] of Object.entries(places)) {
    const mine = validation.issues.filter((i) => i.field === field);
    const visible = mine.length > 0 && visibleNow(field);
    $(`${field}-error`).replaceChildren(...(visible ? lines(mine) : []));
    for (const id of inputs) $(id).setAttribute('aria-invalid', String(visible));
  }
  const general = validation.issues.filter((i) => !(i.field in places));
  $('general-error').replaceChildren(...lines(general));
  $('count').textContent = validation.count === null ? '–' : grouped.format(validation.count);
}

// The one line saying why "Add series" is off, each reason a link to its field.
const FIRST_INPUT = { scope: 'client_code', service_types: 'service-express', type: 'type-virtual', start: 'start', end: 'end', item_code: 'item_code' };
function summarize(reasons) {
  const summary = $('add-summary');
  if (reasons.length === 0) {
    summary.replaceChildren();
    return;
  }
  const items = reasons.map(({ text, target }) => {
    const a = Object.assign(document.createElement('a'), { href: `#${target}`, textContent: text });
    a.addEventListener('click', (event) => {
      event.preventDefault();
      $(target).focus();
    });
    return a;
  });
  summary.replaceChildren('"Add series" is off until: ', ...items.flatMap((a, i) => (i === 0 ? [a] : ['; ', a])), '.');
}

// The overlap check needs only the customer and the range: it runs as soon
// as the library finds nothing wrong with those, whatever the other fields hold.
const RANGE_FIELDS = ['scope', 'start', 'end'];
const day = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' });

async function refresh() {
  const e = entry();
  const validation = profiles.shipsy.validate(e, rules());
  last = { entry: e, validation, plan: null };
  show(validation);
  $('add').disabled = !validation.ok;
  const reasons = validation.issues.map((i) => ({ text: inWords(i), target: FIRST_INPUT[i.field] ?? 'start' }));
  summarize(reasons);
  const rangeReady = validation.customer !== null && validation.count !== null
    && !validation.issues.some((i) => RANGE_FIELDS.includes(i.field));
  if (!rangeReady) {
    checking++;
    $('conflicts').hidden = true;
    $('check-error').textContent = '';
    return;
  }
  // Ask the store before submit: what is taken, and what only the free part would create.
  const ticket = ++checking;
  let plan;
  let failed = null;
  try {
    plan = await book().plan(request(e, validation));
  } catch (error) {
    failed = error;
  }
  if (ticket !== checking) return;
  // A store that cannot answer is not "no conflicts".
  $('check-error').textContent = failed ? `Could not check this range against the stored series: ${failed.message}` : '';
  if (failed) {
    $('add').disabled = true;
    summarize([{ text: 'the range can be checked against the stored series', target: 'start' }]);
    $('conflicts').hidden = true;
    return;
  }
  last.plan = plan;
  if (plan.skipped.length === 0) {
    $('conflicts').hidden = true;
    return;
  }
  $('add').disabled = true;
  summarize([...reasons,
    { text: 'the range no longer overlaps stored series (see "Already allotted")', target: 'conflicts-list' }]);
  // A success line never stands next to new conflicts.
  $('notification').textContent = '';
  const holders = await Promise.all(plan.skipped.map((c) => book().get(c.id)));
  if (ticket !== checking) return;
  $('conflicts-list').replaceChildren(...plan.skipped.map((c, i) => {
    const holder = holders[i];
    const li = document.createElement('li');
    const item = holder?.item_code ? `item ${holder.item_code}` : 'no item code';
    const added = holder?.created_at ? `, added ${day.format(new Date(holder.created_at))}` : '';
    li.textContent = `${c.start}..${c.end} (${grouped.format(c.count)}) is taken: ${item}${added}.`;
    return li;
  }));
  const free = plan.create.map((p) => `${p.start}..${p.end}`).join(' and ');
  $('free-part').textContent = plan.created > 0n
    ? `"Create only the free part" adds ${free}: ${grouped.format(plan.created)} of the ${grouped.format(plan.requested)} numbers, as one series.`
    : 'Nothing in this range is free.';
  $('create-free').hidden = plan.created === 0n;
  // The box changes only once the answer is known, so it never vanishes
  // under a pointer on its way to "Create only the free part".
  $('conflicts').hidden = false;
}

async function submit(onlyFree) {
  form.dataset.submitted = 'true';
  await refresh();
  const { entry: e, validation } = last;
  if (!validation.ok) return;
  $('notification').textContent = '';
  $('action-error').textContent = '';
  let added = false;
  try {
    const extra = { service_types: e.service_types, created_at: new Date().toISOString() };
    // The free part is one series, created in one atomic insert.
    if (onlyFree) await book().createFree(request(e, validation), extra);
    else await book().create(request(e, validation), extra);
    added = true;
    changed();
    for (const id of ['start', 'end', 'item_code']) $(id).value = '';
    touched = new Set(['scope']);
    delete form.dataset.submitted;
  } catch (error) {
    $('action-error').textContent = error.message;
  }
  await refresh();
  // Said only when something was created, and after the check that follows it.
  if (added) $('notification').textContent = 'series added successfully';
  await list();
}

// The list: a page of the customer's series as the store orders them
// (by start, or newest first), or the series a search found. It is read
// again on a customer change, a page turn and after an add or a delete,
// never while a range is typed.
const PAGE = 50;
let offset = 0;
let found = null;

async function list() {
  const customer = last?.validation.customer;
  let rows = [];
  let total = 0;
  if (found !== null) {
    rows = found;
    total = found.length;
  } else if (customer) {
    // A store that cannot answer says so; the list is not shown as empty.
    try {
      ({ series: rows, total } = await book().page({ scope: customer, order: $('order').value, offset, limit: PAGE }));
      $('list-error').textContent = '';
    } catch (error) {
      $('list-error').textContent = `Could not read the stored series: ${error.message}`;
      renderRows([]);
      $('empty').hidden = true;
      return [];
    }
    // A delete emptied the last page: show the one before.
    if (rows.length === 0 && offset > 0) {
      offset = Math.max(0, offset - PAGE);
      return list();
    }
  }
  renderRows(rows);
  const from = found !== null || total === 0 ? 0 : offset + 1;
  $('page-info').textContent = found !== null ? `${grouped.format(total)} found`
    : total === 0 ? '' : `${grouped.format(from)}–${grouped.format(offset + rows.length)} of ${grouped.format(total)}`;
  $('prev').disabled = found !== null || offset === 0;
  $('next').disabled = found !== null || offset + rows.length >= total;
  $('empty').hidden = rows.length > 0 || found !== null;
  return rows;
}

function renderRows(rows) {
  const body = $('list').querySelector('tbody');
  const labels = [...$('list').querySelectorAll('thead th')].map((th) => th.textContent);
  body.replaceChildren(...rows.map((s) => {
    const tr = document.createElement('tr');
    const values = [s.start, s.end, grouped.format(BigInt(s.count)), s.format ?? 'plain', s.item_code, (s.service_types ?? []).join(', '), new Date(s.created_at).toLocaleString()];
    values.forEach((value, i) => {
      const td = document.createElement('td');
      td.textContent = value;
      // Labelled for narrow screens, where the header row is hidden.
      td.dataset.label = labels[i];
      tr.append(td);
    });
    const td = document.createElement('td');
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Delete';
    button.setAttribute('aria-label', `Delete ${s.start}..${s.end}`);
    button.addEventListener('click', () => remove(s));
    td.append(button);
    tr.append(td);
    return tr;
  }));
}
$('prev').addEventListener('click', () => {
  offset = Math.max(0, offset - PAGE);
  list();
});
$('next').addEventListener('click', () => {
  offset += PAGE;
  list();
});
$('order').addEventListener('change', () => {
  offset = 0;
  list();
});

// The search asks the library which stored series of this customer hold
// the number (a one-number range's conflicts), then reads them.
$('search-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('search-error').textContent = '';
  const customer = last?.validation.customer;
  const number = $('search').value;
  if (number.trim() === '') return showAll();
  if (!customer) {
    $('search-error').textContent = 'Give a client code or a hub code first';
    return;
  }
  try {
    const holders = await book().conflicts({ start: number, end: number, scope: customer });
    found = (await Promise.all(holders.map((c) => book().get(c.id)))).filter((s) => s !== null);
    if (found.length === 0) $('search-error').textContent = `No series of this customer holds ${number.trim()}`;
  } catch (error) {
    found = [];
    $('search-error').replaceChildren(...lines(error.details?.issues ?? [error]));
  }
  $('show-all').hidden = false;
  await list();
});
function showAll() {
  found = null;
  $('search').value = '';
  $('search-error').textContent = '';
  $('show-all').hidden = true;
  return list();
}
$('show-all').addEventListener('click', showAll);

// Deletes a series, with a way back: "Undo" stores it again as it was (the
// library checks it again, so a range taken meanwhile is refused in words).
async function remove(series) {
  $('action-error').textContent = '';
  await book(series.format).remove(series.id);
  changed();
  const undo = Object.assign(document.createElement('button'), { type: 'button', textContent: 'Undo', id: 'undo' });
  undo.addEventListener('click', async () => {
    const { id, start, end, scope, item_code: itemCode, type, service_types: serviceTypes, created_at: createdAt } = series;
    try {
      await book(series.format).create({ id, start, end, scope, item_code: itemCode, type }, { service_types: serviceTypes, created_at: createdAt });
      $('notification').textContent = `${start}..${end} restored`;
      changed();
    } catch (error) {
      $('notification').textContent = '';
      $('action-error').textContent = error.message;
    }
    await refresh();
    await list();
  });
  $('notification').replaceChildren(`${series.start}..${series.end} deleted. `, undo);
  await refresh();
  await list();
}

function download(name, type, text) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  a.click();
  URL.revokeObjectURL(a.href);
}

// A file name after the customer and today's date: series-client-GL438-2026-11-27.csv.
const fileName = (what, customer, extension) => `${what}-${customer.replaceAll(':', '-')}-${new Date().toISOString().slice(0, 10)}.${extension}`;

// Every series of the customer, a page of the store at a time, as an
// operator reads them: the customer, the range and what was entered; no
// internal fields (ids, fingerprints, segments).
const EXPORTED = ['customer', 'start', 'end', 'count', 'format', 'item_code', 'type', 'service_types', 'created_at'];
async function exported() {
  const customer = last?.validation.customer;
  if (!customer) return null;
  const rows = [];
  for (let offset = 0; ; offset += 1000) {
    const { series, total } = await book().page({ scope: customer, offset, limit: 1000 });
    for (const s of series) {
      rows.push({
        customer, start: s.start, end: s.end, count: String(s.count), format: s.format ?? 'plain', item_code: s.item_code,
        type: s.type, service_types: (s.service_types ?? []).join(' '), created_at: s.created_at ?? '',
      });
    }
    if (offset + series.length >= total || series.length === 0) return { customer, rows };
  }
}
$('export-json').addEventListener('click', async () => {
  const data = await exported();
  if (data) download(fileName('series', data.customer, 'json'), 'application/json', JSON.stringify(data.rows, null, 2));
});
// Cells a spreadsheet would run as formulas are defused by the library's CSV writer.
$('export-csv').addEventListener('click', async () => {
  const data = await exported();
  if (data) download(fileName('series', data.customer, 'csv'), 'text/csv', writeCsv([EXPORTED, ...data.rows.map((r) => EXPORTED.map((k) => r[k]))]));
});

// The customer is in the URL (?client_code= or ?hub_code=), so a reload or a
// shared link shows the same list; without one, the last customer is taken.
const CUSTOMER = ['client_code', 'hub_code'];
function rememberCustomer() {
  const params = new URLSearchParams(location.search);
  for (const name of CUSTOMER) {
    const value = $(name).value;
    if (value.trim() === '') params.delete(name);
    else params.set(name, value);
  }
  const query = params.toString();
  history.replaceState(null, '', query ? `?${query}` : location.pathname);
  localStorage.setItem('seriesguard.customer', JSON.stringify(Object.fromEntries(CUSTOMER.map((n) => [n, $(n).value]))));
}
{
  const params = new URLSearchParams(location.search);
  let saved = {};
  try {
    saved = JSON.parse(localStorage.getItem('seriesguard.customer') ?? '{}') ?? {};
  } catch {
    saved = {};
  }
  const fromUrl = CUSTOMER.some((name) => params.has(name));
  for (const name of CUSTOMER) $(name).value = (fromUrl ? params.get(name) : saved[name]) ?? '';
  if (CUSTOMER.some((name) => $(name).value !== '')) touched.add('scope');
  rememberCustomer();
}

const fieldOf = (name) => (CUSTOMER.includes(name) ? 'scope' : name);
form.addEventListener('input', (event) => {
  const name = event.target.name;
  const customer = CUSTOMER.includes(name);
  if (customer) rememberCustomer();
  // A range end's issues wait until it is left; every other field's show as typed.
  if (name !== 'start' && name !== 'end') touched.add(fieldOf(name));
  if (customer) {
    offset = 0;
    found = null;
  }
  refresh().then(() => (customer ? list() : undefined));
});
form.addEventListener('focusout', (event) => {
  const name = event.target.name;
  if (!name || touched.has(fieldOf(name)) || event.target.value === '') return;
  touched.add(fieldOf(name));
  refresh();
});
form.addEventListener('submit', (event) => {
  event.preventDefault();
  submit(false);
});
// Enter in a field tries to add, even while "Add series" is off: then every
// issue is shown and the first field at fault gets the focus.
form.addEventListener('keydown', async (event) => {
  if (event.key !== 'Enter' || event.target.tagName !== 'INPUT' || !$('add').disabled) return;
  event.preventDefault();
  form.dataset.submitted = 'true';
  await refresh();
  $('add-summary').querySelector('a')?.click();
});
$('create-free').addEventListener('click', () => submit(true));

tabs?.addEventListener('message', () => refresh().then(list));

importer({
  profiles, inWords, readCsv, writeCsv, download, fileName,
  page: {
    book: () => book(),
    customer: () => last?.validation.customer ?? null,
    fields: () => Object.fromEntries(CUSTOMER.map((name) => [name, $(name).value])),
    rules,
    async created() {
      changed();
      offset = 0;
      found = null;
      await list();
    },
  },
});

await refresh();
await list();
document.documentElement.dataset.ready = 'true';
