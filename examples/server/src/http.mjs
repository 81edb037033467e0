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
/** The deepest nesting and the most elements a flat XML body may have. */
export const XML_LIMITS = { depth: 8, elements: 256 };

const notXml = (why) => new HttpError(400, 'BODY_INVALID', `request body is not the expected XML: ${why}`);
const NAME = /^[A-Za-z_][\w.-]*$/;

function decodeText(raw) {
  return raw.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|\w{1,8});/gi, (whole, ref) => {
    if (ref[0] !== '#') return ENTITIES[ref] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/**
 * The named child elements of a flat XML body (a data-contract request such
 * as aBILLity's <StockNumberBase>): `fields` maps each name to 'text' or
 * 'integer' (an integer element becomes a number when it is one, and stays
 * text otherwise, for the profile to refuse). A missing element is absent;
 * an element holding elements is absent too. One pass over the text (time
 * linear in its size), at most XML_LIMITS.depth levels and
 * XML_LIMITS.elements elements; no DTD, CDATA or entities beyond XML's five
 * and numeric references (so no XXE).
 */
export function parseFlatXml(text, fields) {
  const body = {};
  const stack = [];
  let elements = 0;
  let at = 0;
  let rootClosed = false;
  // Text of the element open at the top of the stack, when it is a field.
  let textStart = -1;
  let nested = false;
  for (;;) {
    const open = text.indexOf('<', at);
    if (open === -1) break;
    const between = text.slice(at, open);
    if ((stack.length === 0) && between.trim() !== '') throw notXml('text outside the root element');
    const next = text[open + 1];
    if (next === '?') {
      const close = text.indexOf('?>', open + 2);
      if (close === -1) throw notXml('an unclosed declaration');
      at = close + 2;
      continue;
    }
    if (next === '!') {
      if (!text.startsWith('<!--', open)) throw notXml('DTD and CDATA sections are not accepted');
      const close = text.indexOf('-->', open + 4);
      if (close === -1) throw notXml('an unclosed comment');
      at = close + 3;
      continue;
    }
    const close = text.indexOf('>', open + 1);
    if (close === -1) throw notXml('an unclosed tag');
    const tag = text.slice(open + 1, close);
    at = close + 1;
    if (tag[0] === '/') {
      const name = tag.slice(1).trim();
      if (stack.at(-1) !== name) throw notXml(`</${name.slice(0, 32)}> does not close the open element`);
      if (stack.length === 2 && textStart !== -1 && !nested && Object.hasOwn(fields, name) && !Object.hasOwn(body, name)) {
        const value = decodeText(text.slice(textStart, open));
        body[name] = fields[name] === 'integer' && /^\s*-?\d{1,16}\s*$/.test(value) ? Number(value) : value;
      }
      stack.pop();
      textStart = -1;
      if (stack.length === 0) rootClosed = true;
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const name = (selfClosing ? tag.slice(0, -1) : tag).trim().split(/\s/, 1)[0];
    if (!NAME.test(name)) throw notXml('a malformed tag');
    if (rootClosed) throw notXml('more than one root element');
    if (++elements > XML_LIMITS.elements) throw notXml(`more than ${XML_LIMITS.elements} elements`);
    if (stack.length >= 2) nested = true;
    if (selfClosing) continue;
    if (stack.length >= XML_LIMITS.depth) throw notXml(`deeper than ${XML_LIMITS.depth} levels`);
    stack.push(name);
    if (stack.length === 2) {
      textStart = at;
      nested = false;
    }
  }
  if (stack.length > 0 || !rootClosed) throw notXml(stack.length > 0 ? 'an unclosed element' : 'no root element');
  if (text.slice(at).trim() !== '') throw notXml('text after the root element');
  return body;
}

/** The Content-Type of every JSON reply. */
export const JSON_TYPE = 'application/json; charset=utf-8';

/** Sends a reply with a body (a string, or a value sent as JSON). */
export function send(res, status, body, type = JSON_TYPE) {
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
