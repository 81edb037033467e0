// `npm run dev`: a throwaway PostgreSQL cluster with the demo rows, and the
// server on PORT (3000) with MOR_API_SECRET "secret" (the MOR page's
// example). Ctrl-C stops both and deletes the cluster. With `--page`
// (`npm run page`, or `bash scripts/demo-server.sh` from the repository),
// the server also serves the dashboard (www/, with the package it installed
// at /pkg/), whose store is then this server's /api/store: every browser
// shares the one PostgreSQL inventory.
import { startPostgres } from './pg-local.mjs';
import { connect, migrate } from './db.mjs';
import { seed, DEMO } from './seed.mjs';
import { serve, readConfig } from './main.mjs';

const pg = await startPostgres();
const db = connect(pg.url, { max: 1 });
await migrate(db);
await seed(db, DEMO);
await db.end();
const page = process.argv.includes('--page');
// The server's own defaults (its sweep, timeouts, pool), one process.
const { close } = await serve({
  ...readConfig({ MOR_API_SECRET: 'secret', SHUTDOWN_MS: '5000', ...process.env, DATABASE_URL: pg.url, WORKERS: '1' }),
  servePage: page,
});
console.error(`seriesguard example server on http://127.0.0.1:${process.env.PORT ?? 3000}/ (database ${pg.url})${page ? ', serving the dashboard there' : ''}; Ctrl-C stops it`);
const stop = async () => {
  await close();
  await pg.stop();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

