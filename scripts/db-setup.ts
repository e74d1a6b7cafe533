/**
 * Creates the Duka database, its roles and schemas (idempotent). Run as a Postgres superuser:
 *   PG_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres), DUKA_DB_NAME (default duka).
 * Role passwords come from `.data/secrets.env` (made by scripts/lib/secrets-init) or the environment.
 */
import pg from 'pg';
import { readEnvFile } from '@duka/config';
import { serviceDatabases } from '@duka/db';

const env = { ...readEnvFile('.data/secrets.env'), ...process.env };
const adminUrl = env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = env.DUKA_DB_NAME ?? 'duka';
if (!/^[a-z_][a-z0-9_]*$/.test(dbName)) throw new Error('DUKA_DB_NAME must be a plain identifier');

function password(name: string): string {
  const value = env[name];
  if (!value) {
    process.stderr.write(`db-setup: ${name} is not set (run scripts/lib/secrets-init first)\n`);
    process.exit(78);
  }
  return value;
}

const quoteLiteral = (s: string) => `'${s.replaceAll("'", "''")}'`;

async function ensureRole(client: pg.Client, role: string, attrs: string) {
  const { rowCount } = await client.query('select 1 from pg_roles where rolname = $1', [role]);
  await client.query(`${rowCount ? 'alter' : 'create'} role ${role} ${attrs}`);
}

async function main() {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await ensureRole(admin, 'duka_owner', `login nosuperuser nobypassrls password ${quoteLiteral(password('DUKA_DB_PASSWORD_OWNER'))}`);
  await ensureRole(admin, 'duka_definer', 'nologin nosuperuser bypassrls');
  await admin.query('grant duka_definer to duka_owner');
  for (const s of serviceDatabases) {
    await ensureRole(admin, s.role, `login nosuperuser nobypassrls noinherit password ${quoteLiteral(password(s.passwordEnv))}`);
  }
  const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [dbName]);
  if (!rowCount) await admin.query(`create database ${dbName} owner duka_owner`);
  await admin.end();

  // Inside the database: schemas owned by duka_owner, and the tenant function every policy calls.
  const url = new URL(adminUrl);
  url.pathname = '/' + dbName;
  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  await db.query(`revoke all on database ${dbName} from public`);
  await db.query('revoke create on schema public from public');
  await db.query('create schema if not exists app authorization duka_owner');
  await db.query(`create or replace function app.current_tenant() returns uuid
    language sql stable parallel safe
    as $$ select nullif(current_setting('app.current_tenant', true), '')::uuid $$`);
  await db.query('alter function app.current_tenant() owner to duka_owner');
  await db.query(`grant connect on database ${dbName} to duka_owner`);
  for (const s of serviceDatabases) {
    await db.query(`grant connect on database ${dbName} to ${s.role}`);
    await db.query(`create schema if not exists ${s.schema} authorization duka_owner`);
    await db.query(`grant usage on schema app to ${s.role}`);
    await db.query(`grant execute on function app.current_tenant() to ${s.role}`);
    await db.query(`grant usage on schema ${s.schema} to ${s.role}`);
    // duka_definer owns the narrow sweep functions; owning a function needs CREATE on its schema.
    await db.query(`grant usage, create on schema ${s.schema} to duka_definer`);
  }
  await db.query('grant usage on schema app to duka_definer');
  await db.end();
  process.stdout.write(`db-setup: database ${dbName} ready (${serviceDatabases.length} service roles)\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`db-setup: ${err.message}\n`);
  process.exit(1);
});
