import { commonSettings, port, postgresUrl, z } from '@duka/config';

/** Settings of the audit service (CONVENTIONS: environment, validated at start). */
export const auditSettings = {
  ...commonSettings,
  DATABASE_URL: postgresUrl(),
  PORT: port(8085),
};

export type AuditConfig = z.infer<z.ZodObject<typeof auditSettings>>;
