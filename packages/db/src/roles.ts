/** The schema and login role of each service that owns data (DESIGN §4). The gateway holds no database. */
export interface ServiceDatabase {
  service: string;
  schema: string;
  role: string;
  /** Name of the generated password's variable in `.data/secrets.env`. */
  passwordEnv: string;
}

export const serviceDatabases: readonly ServiceDatabase[] = [
  { service: 'identity', schema: 'identity', role: 'duka_identity', passwordEnv: 'DUKA_DB_PASSWORD_IDENTITY' },
  { service: 'catalog', schema: 'catalog', role: 'duka_catalog', passwordEnv: 'DUKA_DB_PASSWORD_CATALOG' },
  { service: 'payments', schema: 'payments', role: 'duka_payments', passwordEnv: 'DUKA_DB_PASSWORD_PAYMENTS' },
  { service: 'webhook-ingest', schema: 'webhooks', role: 'duka_webhooks', passwordEnv: 'DUKA_DB_PASSWORD_WEBHOOKS' },
  { service: 'audit', schema: 'audit', role: 'duka_audit', passwordEnv: 'DUKA_DB_PASSWORD_AUDIT' },
  { service: 'notifications', schema: 'notifications', role: 'duka_notifications', passwordEnv: 'DUKA_DB_PASSWORD_NOTIFICATIONS' },
];
