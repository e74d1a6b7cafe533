import type { OutboxRelay } from '@duka/bus';
import type { DatabasePool } from '@duka/db';

/** What route handlers need: the pool for tenant transactions and the relay to publish after commit. */
export interface RouteDeps {
  pool: DatabasePool;
  relay: Pick<OutboxRelay, 'publish'>;
}
