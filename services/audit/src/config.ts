import { commonSettings, port, postgresUrl, z } from '@duka/config';

/** Settings of the audit service (CONVENTIONS: environment, validated at start). */
export const auditSettings = {
  ...commonSettings,
  DATABASE_URL: postgresUrl(),
  PORT: port(8085),
  VAULT_ADDR: z.url().optional(),
  VAULT_TOKEN: z.string().min(1).optional(),
};

export type AuditConfig = z.infer<z.ZodObject<typeof auditSettings>>;
