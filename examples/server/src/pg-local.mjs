// A throwaway PostgreSQL cluster for tests, benchmarks and `npm run dev`:
// initdb into a fresh temporary directory, a server on a free loopback port
// (and a socket in that directory), one database, and stop() to shut it
// down and delete everything. Uses the Debian packages' binaries
// (/usr/lib/postgresql/<major>/bin), or PG_BINDIR, or `pg_config --bindir`.
// initdb refuses to run as root, so as root the cluster runs as the
// `postgres` user (runuser), which Debian's package creates.
import { spawn, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const STARTUP_MS = 30_000;

/** The directory holding initdb and postgres. */
export function postgresBinaries() {
  const candidates = [];
  if (process.env.PG_BINDIR) candidates.push(process.env.PG_BINDIR);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const majors = readdirSync(debian).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
    candidates.push(...majors.map((v) => join(debian, v, 'bin')));
  }
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // no pg_config: the candidates above are all there is
  }
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres')));
  if (!found) {
    throw new Error('PostgreSQL not found: run `bash scripts/setup.sh --with-postgres` (Debian), or set PG_BINDIR to the directory holding initdb');
  }
  return found;
}

/** A loopback port free right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a cluster; resolves to { url, port, stop() }. `settings` are extra
 * `-c name=value` server settings.
 */
export async function startPostgres({ database = 'seriesguard', settings = {} } = {}) {
  const bin = postgresBinaries();
  const dir = mkdtempSync(join(tmpdir(), 'seriesguard-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    chownSync(dir, uid, gid);
  }
  const command = (program, args) => (asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, program), ...args]] : [join(bin, program), args]);

  execFileSync(...command('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']), { stdio: 'pipe' });
  const port = await freePort();
  const options = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dir,
    max_connections: '300',
    // A throwaway cluster: surviving a crash of the machine buys nothing
    // here, so nothing is flushed to disk (fsync). A crash of PostgreSQL
    // itself must lose nothing it acknowledged: every commit waits for its
    // WAL to be written (synchronous_commit on), so the tests and the demo
    // can rely on every reply they were given.
    fsync: 'off',
    synchronous_commit: 'on',
    full_page_writes: 'off',
    ...settings,
  };
  const args = ['-D', data, '-p', String(port)];
  for (const [name, value] of Object.entries(options)) args.push('-c', `${name}=${value}`);
  let server;
  let exited;
  let log = '';
  // Its own process group, so that kill() takes the postmaster and every
  // backend down at once, as a crash would.
  const launch = () => {
    server = spawn(...command('postgres', args), { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    server.stderr.on('data', (chunk) => { log = (log + chunk).slice(-8192); });
    exited = new Promise((resolve) => server.once('exit', resolve));
  };
  // Until `sql` runs on the `postgres` database (the server accepts connections).
  const ready = async (sql) => {
    const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const deadline = Date.now() + STARTUP_MS;
    for (;;) {
      const client = new pg.Client({ connectionString: admin });
      try {
        await client.connect();
        await client.query(sql);
        await client.end();
        return;
      } catch (error) {
        await client.end().catch(() => {});
        if (server.exitCode !== null || Date.now() > deadline) throw new Error(`PostgreSQL did not start: ${error.message}\n${log}`);
        await sleep(100);
      }
    }
  };
  launch();
  try {
    await ready(`CREATE DATABASE ${database}`);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  let stopped = null;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/${database}`,
    port,
    /** SIGKILL to the postmaster and every backend: a crash. */
    async kill() {
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {
        server.kill('SIGKILL');
      }
      await Promise.race([exited, sleep(15_000)]);
      // Backends outside the group notice the postmaster's death and exit.
      await sleep(200);
    },
    /** Starts the killed cluster again (crash recovery) on the same port; resolves once it answers. */
    async restart() {
      for (let attempt = 1; ; attempt++) {
        launch();
        try {
          await ready('SELECT 1');
          return;
        } catch (error) {
          // Shared memory of a backend still exiting: try again shortly.
          if (attempt >= 5) throw error;
          await sleep(500);
        }
      }
    },
    /** Fast shutdown (SIGINT to the postmaster), then the directory is deleted. */
    stop() {
      stopped ??= (async () => {
        try {
          const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
          process.kill(pid, 'SIGINT');
        } catch {
          server.kill('SIGINT');
        }
        await Promise.race([exited, sleep(15_000)]);
        rmSync(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}
