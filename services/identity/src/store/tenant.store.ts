import { sql, type Tx } from '@duka/db';
import { z } from 'zod';

const tenantRow = z.object({ id: z.string(), slug: z.string(), name: z.string() });
export type TenantRow = z.infer<typeof tenantRow>;

/** Inserts a tenant; a taken slug raises slonik's UniqueIntegrityConstraintViolationError. */
export async function insertTenant(tx: Tx, t: { id: string; slug: string; name: string }): Promise<void> {
  await tx.query(sql.unsafe`insert into identity.tenants (id, tenant_id, slug, name) values (${t.id}, ${t.id}, ${t.slug}, ${t.name})`);
}

/** The current tenant's row (RLS shows only it), or null when it does not exist. */
export async function findTenant(tx: Tx, id: string): Promise<TenantRow | null> {
  return tx.maybeOne(sql.type(tenantRow)`select id, slug, name from identity.tenants where id = ${id}`);
}
