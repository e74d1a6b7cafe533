import { sql, type Tx } from '@duka/db';
import { z } from 'zod';

const activeKeyRow = z.object({ kid: z.string(), private_jwk_ciphertext: z.string() });
const publicKeyRow = z.object({ public_jwk: z.record(z.string(), z.unknown()) });

export async function insertSigningKey(
  tx: Tx,
  k: { kid: string; tenantId: string; publicJwk: Record<string, unknown>; privateJwkCiphertext: string },
): Promise<void> {
  await tx.query(sql.unsafe`
    insert into identity.signing_keys (kid, tenant_id, alg, public_jwk, private_jwk_ciphertext)
    values (${k.kid}, ${k.tenantId}, 'EdDSA', ${sql.jsonb(k.publicJwk as never)}, ${k.privateJwkCiphertext})`);
}

/** The current tenant's newest active key. */
export async function findActiveKey(tx: Tx): Promise<z.infer<typeof activeKeyRow> | null> {
  return tx.maybeOne(sql.type(activeKeyRow)`
    select kid, private_jwk_ciphertext from identity.signing_keys
    where status = 'active' order by created_at desc limit 1`);
}

/** Every public key of the current tenant that may still verify tokens (active and recently retired). */
export async function listPublicKeys(tx: Tx): Promise<Array<Record<string, unknown>>> {
  const rows = await tx.any(sql.type(publicKeyRow)`
    select public_jwk from identity.signing_keys
    where status = 'active' or retired_at > now() - interval '1 hour'
    order by created_at desc`);
  return rows.map((r) => r.public_jwk);
}
