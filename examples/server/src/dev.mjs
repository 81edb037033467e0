// `npm run dev`: a throwaway PostgreSQL cluster with the demo rows, and the
// server on PORT (3000) with MOR_API_SECRET "secret" (the MOR page's
// example). Ctrl-C stops both and deletes the cluster.
import { startPostgres } from './pg-local.mjs';
import { connect, migrate } from './db.mjs';
import { seed, DEMO } from './seed.mjs';
import { serve } from './main.mjs';

const pg = await startPostgres();
const db = connect(pg.url, { max: 1 });
await migrate(db);
await seed(db, DEMO);
await db.end();
const { close } = await serve({
  databaseUrl: pg.url, port: Number(process.env.PORT ?? 3000), host: '127.0.0.1', workers: 1,
  morSecret: process.env.MOR_API_SECRET ?? 'secret', bodyLimit: 65536, poolSize: 10, shutdownMs: 5000,
});
console.error(`seriesguard example server on http://127.0.0.1:${process.env.PORT ?? 3000}/ (database ${pg.url}); Ctrl-C stops it`);
const stop = async () => {
  await close();
  await pg.stop();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
