import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';

export interface MigrateOptions {
  /** The service's schema, e.g. `payments`. */
  schema: string;
  /** The service's login role, e.g. `duka_payments`; `{{role}}` in SQL files is replaced by it. */
  role: string;
  /** Folder of `NNN_name.sql` files. */
  dir: string;
  /** Also create the shared `outbox` and `inbox` tables (packages/db/sql/messaging.sql) first. */
  messaging?: boolean;
}

const ident = /^[a-z_][a-z0-9_]*$/;
const messagingSql = new URL('../sql/messaging.sql', import.meta.url);

/**
 * Applies a service's pending migrations in order, each in its own transaction, recording them in
 * `<schema>.schema_migrations`. Runs under the owner role (migration files are multi-statement SQL, which is why
 * this uses a plain pg client and not slonik). An advisory lock keeps two runners apart.
 */
export async function migrate(ownerUrl: string, opts: MigrateOptions): Promise<string[]> {
  if (!ident.test(opts.schema) || !ident.test(opts.role)) throw new TypeError('migrate: bad schema or role name');
  const files: Array<{ version: string; text: () => Promise<string> }> = [];
  if (opts.messaging) files.push({ version: '000_messaging', text: () => readFile(messagingSql, 'utf8') });
  for (const name of (await readdir(opts.dir)).filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f)).sort()) {
    files.push({ version: name.replace(/\.sql$/, ''), text: () => readFile(join(opts.dir, name), 'utf8') });
  }
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', ['migrate:' + opts.schema]);
    await client.query(`create table if not exists ${opts.schema}.schema_migrations (
      version text primary key, applied_at timestamptz not null default now())`);
    const { rows } = await client.query<{ version: string }>(`select version from ${opts.schema}.schema_migrations`);
    const done = new Set(rows.map((r) => r.version));
    for (const file of files) {
      if (done.has(file.version)) continue;
      const text = (await file.text()).replaceAll('{{schema}}', opts.schema).replaceAll('{{role}}', opts.role);
      await client.query('begin');
      try {
        await client.query(`set local search_path = ${opts.schema}, app, pg_catalog`);
        await client.query(text);
        await client.query(`insert into ${opts.schema}.schema_migrations (version) values ($1)`, [file.version]);
        await client.query('commit');
      } catch (err) {
        await client.query('rollback');
        throw new Error(`migration ${opts.schema}/${file.version} failed: ${(err as Error).message}`);
      }
      applied.push(file.version);
    }
  } finally {
    await client.query('select pg_advisory_unlock(hashtext($1))', ['migrate:' + opts.schema]).catch(() => {});
    await client.end();
  }
  return applied;
}
