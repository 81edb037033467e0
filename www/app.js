// The Virtual Series Allotment page. Every rule and every message comes
// from seriesguard: this file only reads the form, shows the library's
// issues next to their fields, and stores series through a SeriesBook over
// IndexedDB. There is no validation logic here to drift from the server's.
import init, { profiles, SeriesBook, indexedDbStore } from '/pkg/web.js';

await init();
// One store, one book per number format: a series is validated, counted,
// fingerprinted and stored under the rules of its format, and the store
// keeps the format with it (a pool never mixes two).
const store = indexedDbStore('seriesguard-demo');
const books = new Map();
function book() {
  const format = $('format').value;
  if (!books.has(format)) books.set(format, new SeriesBook(store, rules()));
  return books.get(format);
}
const form = document.getElementById('series');
const $ = (id) => document.getElementById(id);
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

function show(validation) {
  const shown = new Set();
  for (const [field, inputs] of Object.entries(places)) {
    const mine = validation.issues.filter((i) => i.field === field);
    const visible = mine.length > 0 && (touched.has(field) || form.dataset.submitted === 'true');
    $(`${field}-error`).textContent = visible ? mine.map((i) => i.message).join(' ') : '';
    for (const id of inputs) $(id).setAttribute('aria-invalid', String(visible));
    if (visible) shown.add(field);
  }
  const general = validation.issues.filter((i) => !(i.field in places));
  $('general-error').textContent = general.map((i) => i.message).join(' ');
  $('count').textContent = validation.count === null ? '–' : grouped.format(validation.count);
}

async function refresh() {
  const e = entry();
  const validation = profiles.shipsy.validate(e, rules());
  last = { entry: e, validation, conflicts: [] };
  show(validation);
  $('add').disabled = !validation.ok;
  if (!validation.ok) {
    $('conflicts').hidden = true;
    return;
  }
  // Ask the store before submit: the exact sub-ranges already allotted.
  const ticket = ++checking;
  const conflicts = await book().conflicts(request(e, validation)).catch(() => []);
  if (ticket !== checking) return;
  last.conflicts = conflicts;
  // The box changes only once the answer is known, so it never vanishes
  // under a pointer on its way to "Create only the free part".
  $('conflicts').hidden = conflicts.length === 0;
  if (conflicts.length > 0) {
    $('conflicts-text').textContent = `Already allotted: ${conflicts.map((c) => `${c.start}..${c.end} (${grouped.format(c.count)})`).join(', ')}.`;
    $('add').disabled = true;
  }
}

async function submit(onlyFree) {
  form.dataset.submitted = 'true';
  await refresh();
  const { entry: e, validation } = last;
  if (!validation.ok) return;
  $('notification').textContent = '';
  try {
    const extra = { service_types: e.service_types, created_at: new Date().toISOString() };
    // The free part is one series, created in one atomic insert.
    if (onlyFree) await book().createFree(request(e, validation), extra);
    else await book().create(request(e, validation), extra);
    $('notification').textContent = 'series added successfully';
    for (const id of ['start', 'end', 'item_code']) $(id).value = '';
    touched = new Set(['scope']);
    delete form.dataset.submitted;
  } catch (error) {
    $('general-error').textContent = error.message;
  }
  await refresh();
  await list();
}

async function list() {
  const customer = last?.validation.customer;
  const rows = customer ? (await book().list()).filter((s) => s.scope === customer) : [];
  const body = $('list').querySelector('tbody');
  body.replaceChildren(...rows.map((s) => {
    const tr = document.createElement('tr');
    for (const value of [s.start, s.end, grouped.format(BigInt(s.count)), s.format ?? 'plain', s.item_code, (s.service_types ?? []).join(', '), new Date(s.created_at).toLocaleString()]) {
      const td = document.createElement('td');
      td.textContent = value;
      tr.append(td);
    }
    const td = document.createElement('td');
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Delete';
    button.setAttribute('aria-label', `Delete ${s.start}..${s.end}`);
    button.addEventListener('click', async () => {
      await book().remove(s.id);
      await refresh();
      await list();
    });
    td.append(button);
    tr.append(td);
    return tr;
  }));
  $('empty').hidden = rows.length > 0;
  return rows;
}

function download(name, type, text) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  a.click();
  URL.revokeObjectURL(a.href);
}

const csvCell = (v) => `"${String(v).replaceAll('"', '""')}"`;
$('export-json').addEventListener('click', async () => {
  download('series.json', 'application/json', JSON.stringify(await list(), null, 2));
});
$('export-csv').addEventListener('click', async () => {
  const rows = await list();
  const header = ['id', 'start', 'end', 'count', 'format', 'item_code', 'type', 'service_types', 'created_at'];
  const lines = rows.map((s) => [s.id, s.start, s.end, s.count, s.format, s.item_code, s.type, (s.service_types ?? []).join(' '), s.created_at].map(csvCell).join(','));
  download('series.csv', 'text/csv', [header.join(','), ...lines].join('\n'));
});

form.addEventListener('input', (event) => {
  const name = event.target.name;
  touched.add(name === 'client_code' || name === 'hub_code' ? 'scope' : name);
  refresh().then(list);
});
form.addEventListener('submit', (event) => {
  event.preventDefault();
  submit(false);
});
$('create-free').addEventListener('click', () => submit(true));

await refresh();
await list();
document.documentElement.dataset.ready = 'true';
