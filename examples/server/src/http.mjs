// HTTP plumbing for the example server: bounded bodies, body formats,
// replies and structured (JSON line) logs.

/** A request the server refuses before any route sees it (413, 400, 415). */
export class HttpError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Reads the request body, refusing more than `limit` bytes with 413. */
export function readBody(req, limit) {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(new HttpError(413, 'BODY_TOO_LARGE', `request body over ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, 'BODY_TOO_LARGE', `request body over ${limit} bytes`));
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The media type of a Content-Type or Accept entry, lower case, without parameters. */
export const mediaType = (value) => String(value ?? '').split(';')[0].trim().toLowerCase();

/** A JSON body; an empty or malformed one is a 400 BODY_INVALID. */
export function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'BODY_INVALID', `request body is not valid JSON: ${error.message}`);
  }
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * The named child elements of a flat XML body (a data-contract request such
 * as aBILLity's <StockNumberBase>): `fields` maps each name to 'text' or
 * 'integer' (an integer element becomes a number when it is one, and stays
 * text otherwise, for the profile to refuse). A missing element is absent.
 * Only as much XML as those bodies use: no nesting, entities and numeric
 * character references.
 */
export function parseFlatXml(text, fields) {
  if (!/^\s*(<\?xml[^>]*\?>\s*)?<[A-Za-z_][\w.-]*[\s>/]/.test(text)) {
    throw new HttpError(400, 'BODY_INVALID', 'request body is not XML');
  }
  const body = {};
  for (const [name, kind] of Object.entries(fields)) {
    const match = new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`).exec(text);
    if (!match) continue;
    const value = match[1].replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, ref) => {
      if (ref[0] !== '#') return ENTITIES[ref] ?? whole;
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    });
    body[name] = kind === 'integer' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
  }
  return body;
}

/** Sends a reply with a body (a string, or a value sent as JSON). */
export function send(res, status, body, type = 'application/json; charset=utf-8') {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The server's own error body: { error: { code, message } }. */
export const errorBody = (code, message) => ({ error: { code, message } });

/** A logger writing one JSON object a line to `out` (stdout), below `level` silent. */
export function logger(out = process.stdout, level = process.env.LOG_LEVEL ?? 'info') {
  const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
  const threshold = levels[level] ?? levels.info;
  const write = (name) => (msg, fields = {}) => {
    if (levels[name] < threshold) return;
    out.write(`${JSON.stringify({ time: new Date().toISOString(), level: name, pid: process.pid, msg, ...fields })}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
