import { sql, type Tx } from '@duka/db';
import { z } from 'zod';

const loginRow = z.object({
  id: z.string(),
  role: z.enum(['owner', 'staff', 'viewer']),
  password_hash: z.string(),
  status: z.enum(['active', 'disabled']),
  has_totp: z.boolean(),
});
export type LoginRow = z.infer<typeof loginRow>;

export interface NewUser {
  id: string;
  tenantId: string;
  role: 'owner' | 'staff' | 'viewer';
  emailIndex: string;
  emailCiphertext: string;
  phoneCiphertext: string | null;
  passwordHash: string;
}

export async function insertUser(tx: Tx, u: NewUser): Promise<void> {
  await tx.query(sql.unsafe`
    insert into identity.users (id, tenant_id, role, email_index, email_ciphertext, phone_ciphertext, password_hash)
    values (${u.id}, ${u.tenantId}, ${u.role}, ${u.emailIndex}, ${u.emailCiphertext}, ${u.phoneCiphertext}, ${u.passwordHash})`);
}

/** What login needs of the current tenant's user with this email index. */
export async function findForLogin(tx: Tx, emailIndex: string): Promise<LoginRow | null> {
  return tx.maybeOne(sql.type(loginRow)`
    select id, role, password_hash, status, totp_secret_ciphertext is not null as has_totp
    from identity.users where email_index = ${emailIndex}`);
}

const roleRow = z.object({ role: z.enum(['owner', 'staff', 'viewer']), status: z.enum(['active', 'disabled']) });

export async function findRole(tx: Tx, userId: string): Promise<z.infer<typeof roleRow> | null> {
  return tx.maybeOne(sql.type(roleRow)`select role, status from identity.users where id = ${userId}`);
}

const totpRow = z.object({
  role: z.enum(['owner', 'staff', 'viewer']),
  status: z.enum(['active', 'disabled']),
  totp_secret_ciphertext: z.string().nullable(),
});

export async function findTotp(tx: Tx, userId: string): Promise<z.infer<typeof totpRow> | null> {
  return tx.maybeOne(sql.type(totpRow)`select role, status, totp_secret_ciphertext from identity.users where id = ${userId}`);
}

export async function setTotpSecret(tx: Tx, userId: string, ciphertext: string): Promise<void> {
  await tx.query(sql.unsafe`update identity.users set totp_secret_ciphertext = ${ciphertext}, updated_at = now() where id = ${userId}`);
}
