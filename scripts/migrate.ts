/**
 * Applies every service's migrations as duka_owner (DESIGN §4). DUKA_DB_NAME selects the database (default duka).
 */
import { existsSync } from 'node:fs';
import { readEnvFile } from '@duka/config';
import { migrate, serviceDatabases } from '@duka/db';

const env = { ...readEnvFile('.data/secrets.env'), ...process.env };
const dbName = env.DUKA_DB_NAME ?? 'duka';
const host = env.PGHOST_ADDR ?? '127.0.0.1:5432';
const ownerUrl =
  env.DUKA_OWNER_URL ??
  `postgres://duka_owner:${encodeURIComponent(env.DUKA_DB_PASSWORD_OWNER ?? '')}@${host}/${dbName}`;

async function main() {
  for (const s of serviceDatabases) {
    const dir = `services/${s.service}/migrations`;
    if (!existsSync(dir)) continue;
    const applied = await migrate(ownerUrl, { schema: s.schema, role: s.role, dir, messaging: true });
    process.stdout.write(`migrate: ${s.schema}: ${applied.length ? applied.join(', ') : 'up to date'}\n`);
  }
}

main().catch((err: Error) => {
  process.stderr.write(`migrate: ${err.message}\n`);
  process.exit(1);
});
