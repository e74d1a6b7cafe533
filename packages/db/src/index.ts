/**
 * Postgres access for Duka services: a slonik pool, tenant-bound transactions, migrations, outbox and inbox.
 * Business queries run only inside `withTenant` (DESIGN §4).
 */
export { sql } from 'slonik';
export { UniqueIntegrityConstraintViolationError } from 'slonik';
export { createDbPool, type DatabasePool, type PoolOptions } from './pool.js';
export { withTenant, isUuid, type Tx } from './tenant.js';
export { migrate, type MigrateOptions } from './migrate.js';
export { enqueue, markHandled, type OutboxMessage } from './messaging.js';
export { serviceDatabases, type ServiceDatabase } from './roles.js';
