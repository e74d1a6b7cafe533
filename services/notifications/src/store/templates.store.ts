import { sql, type Tx } from '@duka/db';
import { z } from 'zod';

/** The tenant's own body for a template on a channel (an exact channel beats `any`), or null. */
export async function findTenantTemplate(tx: Tx, key: string, channel: string): Promise<string | null> {
  return tx.maybeOneFirst(sql.type(z.object({ body: z.string() }))`
    select body from notifications.templates
    where tenant_id = app.current_tenant() and key = ${key} and channel in (${channel}, 'any')
    order by channel = ${channel} desc limit 1`);
}
