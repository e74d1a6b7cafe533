import t from 'tap';
import { randomUUID } from 'node:crypto';
import { Bus, destroyNamespace } from '@duka/bus';
import { CATALOG_QUOTE_SUBJECT, catalogQuote, decodeMessage, encodeMessage } from '@duka/contracts';
import { createDbPool } from '@duka/db';
import { createLogger } from '@duka/log';
import { databaseUrl, testInfra, testNamespace } from '@duka/testkit';
import { startQuoteResponder } from '../src/rpc/quote.responder.js';

const logger = createLogger({ service: 'catalog', level: 'silent' });
const pool = await createDbPool(databaseUrl('catalog'), { applicationName: 'catalog-test' });
const bus = await Bus.connect({ servers: testInfra.natsUrl, name: 'catalog-quote-test', namespace: testNamespace(), logger });
t.teardown(async () => {
  await destroyNamespace(bus);
  await bus.close();
  await pool.end();
});

const ask = () =>
  bus.nc.request(
    bus.subject(CATALOG_QUOTE_SUBJECT),
    encodeMessage(catalogQuote.request, { tenantId: randomUUID(), requestId: 'r', items: [{ productId: randomUUID(), quantity: 1n }] }),
    { timeout: 2_000 },
  );

t.test('the responder answers until it is stopped', async (t) => {
  const responder = startQuoteResponder({ bus, pool, logger });
  const reply = decodeMessage(catalogQuote.reply, (await ask()).data);
  t.match(reply, { ok: false, errorCode: 'PRODUCT_NOT_FOUND' });
  await responder.stop();
  await t.rejects(ask(), 'no responder after stop (drained)');
  await responder.stop(); // a second stop is harmless
});
