// The pool view: number pools as an operator sees them. seriesguard decides
// every change and writes every message; this page reads the forms, shows
// the answers, and keeps the pools' trail in IndexedDB through the package's
// store (SeriesBook over indexedDbStore: the same protocol a server runs).
import init, { SeriesBook, indexedDbStore } from '/pkg/server.js';

const $ = (id) => document.getElementById(id);
const grouped = new Intl.NumberFormat('en-US');
const STATES = ['available', 'reserved', 'assigned', 'cooling', 'blocked', 'handedDown'];
const LABELS = { available: 'Available', reserved: 'Reserved', assigned: 'Assigned', cooling: 'Cooling', blocked: 'Blocked', handedDown: 'Handed down' };

let book;
try {
  await init();
  book = new SeriesBook(indexedDbStore('seriesguard-demo'));
} catch (error) {
  $('load-error').textContent = `The page could not load its number library (${error.message}); nothing here will work until it does.`;
  throw error;
}

// Every change is given its instant: the page is the host and reads the clock.
const now = () => Date.now();
const current = () => $('pool').value;

function say(answer, text) {
  $('error').textContent = '';
  $('notice').textContent = text;
  $('warnings').textContent = (answer?.warnings ?? []).map((w) => w.message).join(' ');
}

function fail(error) {
  $('notice').textContent = '';
  $('error').textContent = error.message;
}

async function pools() {
  const { pools: all } = await book.poolState();
  const names = Object.keys(all);
  const select = $('pool');
  const chosen = select.value;
  select.replaceChildren(...names.map((name) => Object.assign(document.createElement('option'), { value: name, textContent: name })));
  if (names.includes(chosen)) select.value = chosen;
  $('no-pools').hidden = names.length > 0;
  $('view').hidden = names.length === 0;
  return all;
}

// A table cell labelled for narrow screens, where the header row is hidden.
function cell(label, value) {
  const td = Object.assign(document.createElement('td'), { textContent: value });
  td.dataset.label = label;
  return td;
}

async function show() {
  const all = await pools();
  const name = current();
  if (!name) return;
  const report = await book.poolReport(name);
  const bar = $('bar');
  bar.replaceChildren(...STATES.filter((s) => report.counts[s] > 0n).map((state) => {
    const part = document.createElement('span');
    part.className = `state-${state}`;
    part.dataset.state = state;
    part.style.width = `${report.percent[state]}%`;
    part.title = `${LABELS[state]}: ${grouped.format(report.counts[state])}`;
    return part;
  }));
  bar.setAttribute('aria-label', STATES.map((s) => `${LABELS[s]} ${grouped.format(report.counts[s])}`).join(', '));
  $('legend').replaceChildren(...STATES.map((state) => {
    const li = document.createElement('li');
    li.dataset.state = state;
    li.innerHTML = `<span class="swatch state-${state}"></span>`;
    li.append(`${LABELS[state]}: ${grouped.format(report.counts[state])} (${report.percent[state]}%)`);
    return li;
  }));
  const free = report.largestFree;
  $('summary').textContent = `Capacity ${grouped.format(report.capacity)}. `
    + (free ? `Largest free block ${free.start}..${free.end} (${grouped.format(free.count)}), in ${report.freeFragments} free block${report.freeFragments === 1 ? '' : 's'}.` : 'Nothing free.');
  const runs = all[name] ?? [];
  const open = runs.filter((r) => r.state === 'reserved');
  $('reservations').querySelector('tbody').replaceChildren(...open.map((r) => {
    const tr = document.createElement('tr');
    for (const [label, value] of [['Range', `${r.start}..${r.end}`], ['Count', grouped.format(r.count)], ['Expires', new Date(r.until).toLocaleString()]]) {
      tr.append(cell(label, value));
    }
    const td = document.createElement('td');
    for (const [label, op] of [['Confirm', 'confirm'], ['Cancel', 'cancel']]) {
      const button = Object.assign(document.createElement('button'), { type: 'button', textContent: label });
      button.setAttribute('aria-label', `${label} ${r.start}..${r.end}`);
      button.addEventListener('click', () => act(() => book[op]({ key: r.holder, at: now() }), `${label === 'Confirm' ? 'Confirmed' : 'Cancelled'} ${r.start}..${r.end}.`));
      td.append(button);
    }
    tr.append(td);
    return tr;
  }));
  $('no-reservations').hidden = open.length > 0;
  $('runs').querySelector('tbody').replaceChildren(...runs.map((r) => {
    const tr = document.createElement('tr');
    tr.dataset.state = r.state;
    for (const [label, value] of [['Range', `${r.start}..${r.end}`], ['Count', grouped.format(r.count)], ['State', LABELS[r.state]], ['Until', r.until ? new Date(r.until).toLocaleString() : '']]) {
      tr.append(cell(label, value));
    }
    return tr;
  }));
}

// Runs a change, redraws, then says what happened (so the words never run
// ahead of the bar).
async function act(change, text) {
  let answer;
  let error;
  try {
    answer = await change();
  } catch (e) {
    error = e;
  }
  await show();
  if (error) fail(error);
  else say(answer, typeof text === 'function' ? text(answer) : text);
}

$('declare').addEventListener('submit', (event) => {
  event.preventDefault();
  const data = new FormData(event.target);
  const field = (name) => String(data.get(name) ?? '').trim();
  const request = { pool: field('pool'), at: now(), blocks: [{ start: field('start'), end: field('end') }] };
  // As typed: the library reads "30", "never", "10%" or "50" and refuses anything else in words.
  if (field('cooling') !== '') request.cooling = field('cooling');
  if (field('lowAt') !== '') request.lowAt = field('lowAt');
  act(async () => {
    const answer = await book.declarePool(request);
    await pools();
    $('pool').value = request.pool;
    $('declare-box').open = false;
    return answer;
  }, `Pool ${request.pool} declared.`);
});

$('reserve').addEventListener('submit', (event) => {
  event.preventDefault();
  const data = new FormData(event.target);
  const request = {
    pool: current(), quantity: String(data.get('quantity') ?? '').trim(), owner: String(data.get('owner') ?? ''),
    // Minutes as an ISO 8601 duration; the library reads it (or refuses it, in words).
    ttl: `PT${String(data.get('ttl') ?? '').trim()}M`,
    key: crypto.randomUUID(), at: now(),
  };
  act(() => book.reserve(request), (a) => `Reserved ${a.reservation.start}..${a.reservation.end} until ${new Date(a.reservation.expiresAt).toLocaleString()}.`);
});

for (const op of ['release', 'block', 'unblock']) {
  $(op).addEventListener('click', () => {
    const request = { pool: current(), start: $('range-start').value, end: $('range-end').value, at: now() };
    const done = { release: 'Released', block: 'Blocked', unblock: 'Unblocked' }[op];
    act(() => book[op](request), (a) => `${done} ${request.start.trim()}..${request.end.trim()}${a.events.some((e) => e.to === 'cooling') ? ' (cooling)' : ''}.`);
  });
}

$('pool').addEventListener('change', () => show().catch(fail));

// Reservations past their expiry and coolings past their end return to
// available: the page sweeps while it is open.
setInterval(() => {
  book.expire({ at: now(), actor: 'page' }).then((answer) => (answer.events.length > 0 ? show() : undefined)).catch(fail);
}, 5000);

await show();
document.documentElement.dataset.ready = 'true';
