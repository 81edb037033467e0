// Bulk import from a CSV file: read by the library (readCsv), each row
// checked by the library as the form checks one (profiles.shipsy.validate),
// then the whole file against the store and itself in one pass
// (SeriesBook.planMany), previewed, and created with one confirmed
// createMany (one insert, all or none). This file only maps the file's
// columns to the form's fields and shows what the library answered.

const COLUMNS = ['start', 'end', 'item_code', 'type', 'service_types'];
const CHUNK = 2000;
const MAX_ROWS = 100000;
const grouped = new Intl.NumberFormat('en-US');
const nextFrame = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Wires the import section. `page` gives what the form knows: `book()`,
 * `customer()` (the validated scope, or null), `fields()` (the customer's
 * fields as typed), `rules()`, and `created(count)`, called after a create.
 */
export function importer({ profiles, inWords, readCsv, writeCsv, download, fileName, page }) {
  const $ = (id) => document.getElementById(id);
  let current = null;

  function progress(fraction, text) {
    $('import-progress').hidden = fraction === null;
    if (fraction !== null) $('import-progress').value = Math.round(fraction * 100);
    $('import-status').textContent = text;
  }

  // The file's rows as the form's entries, each checked by the library.
  async function check(text) {
    const table = readCsv(text);
    const header = (table[0] ?? []).map((name) => name.trim().toLowerCase());
    const at = Object.fromEntries(COLUMNS.map((name) => [name, header.indexOf(name)]));
    for (const name of ['start', 'end']) {
      if (at[name] < 0) throw new Error(`The file has no "${name}" column (its first line names the columns: ${COLUMNS.join(', ')})`);
    }
    if (table.length - 1 > MAX_ROWS) {
      throw new Error(`the file has ${grouped.format(table.length - 1)} rows; import at most ${grouped.format(MAX_ROWS)} at a time`);
    }
    const rows = [];
    const requests = [];
    const extras = [];
    const fields = page.fields();
    const stamp = new Date().toISOString();
    const total = table.length - 1;
    for (let i = 1; i < table.length; i++) {
      const cells = table[i];
      const cell = (name) => (at[name] < 0 ? '' : cells[at[name]] ?? '');
      const entry = {
        ...fields,
        start: cell('start'),
        end: cell('end'),
        item_code: cell('item_code'),
        // An empty cell is a field not given (Shipsy's type then defaults to virtual).
        type: cell('type') === '' ? undefined : cell('type'),
        service_types: cell('service_types').split(' ').filter((t) => t !== ''),
      };
      const row = { line: i + 1, start: entry.start, end: entry.end, item_code: entry.item_code };
      const validation = profiles.shipsy.validate(entry, page.rules());
      if (!validation.ok) {
        row.status = 'refused';
        row.reason = validation.issues.map(inWords).join('; ');
      } else {
        row.request = requests.length;
        requests.push({ start: entry.start, end: entry.end, scope: validation.customer, item_code: entry.item_code, type: entry.type });
        extras.push({ service_types: entry.service_types, created_at: stamp });
      }
      rows.push(row);
      if (i % CHUNK === 0) {
        progress((i / total) * 0.5, `Read ${grouped.format(i)} of ${grouped.format(total)} rows`);
        await nextFrame();
      }
    }
    return { rows, requests, extras };
  }

  // Each checked row's outcome from the library's answer for its request.
  function settle(job, outcomes) {
    // Holders of the import's own numbers are named by their line.
    const lineOf = new Map();
    for (const row of job.rows) {
      if (row.request === undefined) continue;
      const outcome = outcomes[row.request];
      row.outcome = outcome;
      if (!(outcome instanceof Error)) lineOf.set(page.book().prepare(job.requests[row.request]).id, row.line);
    }
    const held = (conflicts) => conflicts.map((c) => `${c.start}..${c.end} (${lineOf.has(c.id) ? `line ${lineOf.get(c.id)} of this file` : 'stored'})`).join(', ');
    for (const row of job.rows) {
      const outcome = row.outcome;
      if (outcome === undefined) continue;
      if (outcome instanceof Error) {
        row.status = 'refused';
        row.reason = outcome.code === 'OVERLAP' ? `Nothing is free: ${held(outcome.details.conflicts)} taken` : (outcome.details?.issues ?? [outcome]).map(inWords).join('; ');
      } else if (outcome.skipped.length === 0) {
        row.status = 'create';
        row.reason = '';
      } else {
        row.status = 'partial';
        row.reason = `${grouped.format(outcome.created)} of ${grouped.format(outcome.requested)} free; taken: ${held(outcome.skipped)}`;
      }
    }
  }

  function preview(job) {
    const free = $('import-free').checked;
    const count = (status) => job.rows.filter((r) => r.status === status).length;
    const [whole, partial, refused] = ['create', 'partial', 'refused'].map(count);
    const created = whole + (free ? partial : 0);
    $('import-summary').replaceChildren(...[
      `${grouped.format(whole)} will be created whole`,
      `${grouped.format(partial)} are only partly free: ${free ? 'their free part will be created' : 'left out (tick the box above to create their free part)'}`,
      `${grouped.format(refused)} are refused`,
    ].map((text) => Object.assign(document.createElement('li'), { textContent: text })));
    const shown = job.rows.filter((r) => r.status !== 'create').slice(0, 200);
    $('import-rows').querySelector('tbody').replaceChildren(...shown.map((r) => {
      const tr = document.createElement('tr');
      for (const [label, value] of [['Line', r.line], ['Start', r.start], ['End', r.end], ['Outcome', `${r.status === 'partial' ? 'only partly free' : 'refused'}: ${r.reason}`]]) {
        tr.append(Object.assign(document.createElement('td'), { textContent: String(value) }));
        tr.lastChild.dataset.label = label;
      }
      return tr;
    }));
    const rest = partial + refused - shown.length;
    $('import-more').textContent = rest > 0 ? `…and ${grouped.format(rest)} more in the report.` : '';
    $('import-create').textContent = `Create ${grouped.format(created)} series`;
    $('import-create').disabled = created === 0;
    $('import-report').disabled = partial + refused === 0;
    $('import-preview').hidden = false;
  }

  async function read(file) {
    $('import-error').textContent = '';
    $('import-preview').hidden = true;
    $('import-create').hidden = false;
    current = null;
    const customer = page.customer();
    if (!customer) {
      $('import-error').textContent = 'Give a client code or a hub code first: the file\'s series are added for that customer';
      return;
    }
    try {
      progress(0, `Reading ${file.name}`);
      const job = await check(await file.text());
      job.customer = customer;
      job.name = file.name;
      const outcomes = await page.book().planMany(job.requests, {
        free: $('import-free').checked,
        onProgress: ({ phase, done, total }) => progress(0.5 + (phase === 'checking' ? (done / Math.max(total, 1)) * 0.45 : 0.5),
          phase === 'checking' ? `Checked ${grouped.format(done)} of ${grouped.format(total)} series against the store` : 'Checked'),
      });
      settle(job, outcomes);
      current = job;
      progress(1, `${file.name}: ${grouped.format(job.rows.length)} rows checked`);
      preview(job);
    } catch (error) {
      progress(null, '');
      $('import-error').textContent = `Could not import ${file.name}: ${error.details?.issues ? error.details.issues.map(inWords).join('; ') : error.message}`;
    }
  }

  $('import-file').addEventListener('change', () => {
    const file = $('import-file').files?.[0];
    if (file) read(file);
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    const file = event.dataTransfer?.files?.[0];
    if (file) read(file);
  });
  // The preview follows the box: the library decides again with or without free parts.
  $('import-free').addEventListener('change', async () => {
    if (current === null) return;
    settle(current, await page.book().planMany(current.requests, { free: $('import-free').checked }));
    preview(current);
  });

  $('import-create').addEventListener('click', async () => {
    const job = current;
    if (job === null) return;
    $('import-create').disabled = true;
    $('import-error').textContent = '';
    try {
      const made = await page.book().createMany(job.requests, job.extras, {
        free: $('import-free').checked,
        onProgress: ({ phase }) => progress(phase === 'storing' ? 0.9 : 0.5, phase === 'storing' ? 'Storing' : 'Checking again'),
      });
      settle(job, made.outcomes);
      if (!made.stored) {
        // Someone took some of these numbers since the preview: nothing was created.
        progress(null, '');
        $('import-error').textContent = 'Some of these numbers were taken since the preview, so nothing was created. The preview below is up to date; create again to add what is still free.';
        preview(job);
        return;
      }
      progress(1, `${grouped.format(made.created.length)} series added from ${job.name}`);
      $('import-create').hidden = true;
      await page.created(made.created.length);
    } catch (error) {
      progress(null, '');
      $('import-error').textContent = `Nothing was created: ${error.message}`;
      $('import-create').disabled = false;
    }
  });

  // The rows not created (refused, or only partly free and left out), with why.
  $('import-report').addEventListener('click', () => {
    const job = current;
    if (job === null) return;
    const free = $('import-free').checked;
    const left = job.rows.filter((r) => r.status === 'refused' || (r.status === 'partial' && !free));
    const header = ['line', 'start', 'end', 'item_code', 'outcome', 'reason'];
    const lines = left.map((r) => [r.line, r.start, r.end, r.item_code, r.status === 'partial' ? 'only partly free' : 'refused', r.reason]);
    download(fileName('refused', job.customer, 'csv'), 'text/csv', writeCsv([header, ...lines]));
  });

  $('import-cancel').addEventListener('click', () => {
    current = null;
    $('import-preview').hidden = true;
    $('import-file').value = '';
    progress(null, '');
  });
}
