import type { OutboxRelay } from '@duka/bus';
import type { DatabasePool } from '@duka/db';
import type { Logger } from '@duka/log';
import type { AllowList } from '../domain/allow-list.js';

export interface RouteDeps {
  logger: Logger;
  pool: DatabasePool;
  relay: Pick<OutboxRelay, 'publish'>;
  allowList: AllowList;
  /** `keystore.namedKey('mpesa-callback')`: the key of the URL tokens. */
  callbackKey: Buffer;
}
