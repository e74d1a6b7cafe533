import t from 'tap';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createDbPool, enqueue, markHandled, sql, withTenant } from '@duka/db';
import { adminDatabaseUrl, databaseUrl } from '@duka/testkit';
import { z } from 'zod';

const pool = await createDbPool(databaseUrl('catalog'), { maximumPoolSize: 1 });
t.teardown(() => pool.end());
const tenantA = randomUUID();
const tenantB = randomUUID();
const countOutbox = (tx: Parameters<Parameters<typeof withTenant>[2]>[0]) =>
  tx.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*) as n from catalog.outbox`);

t.test('rows written under one tenant are invisible to another', async (t) => {
  await withTenant(pool, tenantA, (tx) => enqueue(tx, 'catalog', { tenantId: tenantA, subject: 'evt.x', eventType: 'x', payload: new Uint8Array([1]) }));
  t.equal(await withTenant(pool, tenantA, countOutbox), 1);
  t.equal(await withTenant(pool, tenantB, countOutbox), 0);
});

t.test('a row for another tenant cannot be written (WITH CHECK)', async (t) => {
  await t.rejects(
    withTenant(pool, tenantA, (tx) => enqueue(tx, 'catalog', { tenantId: tenantB, subject: 'evt.x', eventType: 'x', payload: new Uint8Array([1]) })),
    /row-level security/,
  );
});

t.test('the pooled connection carries no tenant after the transaction', async (t) => {
  // One connection in the pool: the next query reuses the connection withTenant used.
  await withTenant(pool, tenantA, countOutbox);
  const n = await pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*) as n from catalog.outbox`);
  t.equal(n, 0, 'no tenant set means no rows');
  const setting = await pool.oneFirst(sql.type(z.object({ s: z.string().nullable() }))`select current_setting('app.current_tenant', true) as s`);
  t.ok(setting === '' || setting === null);
});

t.test('withTenant refuses a tenant that is not a UUID', async (t) => {
  await t.rejects(withTenant(pool, "x' or true --", countOutbox), TypeError);
});

t.test('the inbox records a handled event once', async (t) => {
  const id = randomUUID();
  t.equal(await withTenant(pool, tenantA, (tx) => markHandled(tx, 'catalog', 'test', id)), true);
  t.equal(await withTenant(pool, tenantA, (tx) => markHandled(tx, 'catalog', 'test', id)), false);
  t.equal(await withTenant(pool, tenantB, (tx) => markHandled(tx, 'catalog', 'test', id)), true, 'per tenant');
});

t.test('service roles are plain logins and every business table forces RLS', async (t) => {
  const admin = new pg.Client({ connectionString: adminDatabaseUrl() });
  await admin.connect();
  t.teardown(() => admin.end());
  const roles = await admin.query(`select rolname, rolsuper, rolbypassrls from pg_roles where rolname like 'duka\\_%' and rolcanlogin`);
  for (const r of roles.rows) {
    t.equal(r.rolsuper, false, `${r.rolname} is not superuser`);
    t.equal(r.rolbypassrls, false, `${r.rolname} does not bypass RLS`);
  }
  const tables = await admin.query(`
    select n.nspname, c.relname, c.relrowsecurity, c.relforcerowsecurity, pg_get_userbyid(c.relowner) as owner,
      exists (select 1 from information_schema.columns col where col.table_schema = n.nspname and col.table_name = c.relname and col.column_name = 'tenant_id') as has_tenant
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'r' and n.nspname in ('identity','catalog','payments','webhooks','audit','notifications') and c.relname <> 'schema_migrations'`);
  t.ok(tables.rows.length >= 12, 'the services have tables');
  for (const r of tables.rows) {
    const name = `${r.nspname}.${r.relname}`;
    t.ok(r.has_tenant, `${name} has tenant_id`);
    t.ok(r.relrowsecurity && r.relforcerowsecurity, `${name} has RLS enabled and forced`);
    t.equal(r.owner, 'duka_owner', `${name} is owned by duka_owner, not a service role`);
  }
});
