// The dashboard's files, for a server started with SERVE_PAGE=1 (or
// `npm run page`): www/ of this repository at /, and the seriesguard package
// this example installed at /pkg/. The page then finds /api/store and keeps
// its series here, in PostgreSQL, shared by every browser.
import { fileURLToPath } from 'node:url';

/** A handler (req, res) answering the page's files. */
export async function pageFiles() {
  const { sendFile } = await import('../../../scripts/serve.mjs');
  const path = (relative) => fileURLToPath(new URL(relative, import.meta.url));
  const mounts = [['/pkg/', path('../node_modules/seriesguard')], ['/', path('../../../www')]];
  return (req, res) => sendFile(req, res, mounts);
}
