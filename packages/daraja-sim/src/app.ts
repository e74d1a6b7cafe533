import { timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { pino, type Logger } from 'pino';
import { nairobiTimestamp } from '@duka/mpesa';
import { CallbackSender } from './callback-sender.js';
import * as errors from './daraja-errors.js';
import { accessToken, checkoutRequestId, merchantRequestId, receiptNumber } from './ids.js';
import { isSimOutcome, OUTCOME_RESULTS, outcomeForPhone, type SimOutcome } from './outcomes.js';
import { invalidStkPushField, invalidStkQueryField } from './validate.js';

/** Options of {@link buildSim}. */
export interface SimOptions {
  consumerKey: string;
  consumerSecret: string;
  shortcode: string;
  passkey: string;
  /** Time the simulated payer takes before the callback fires. Default 300 ms. */
  callbackDelayMs?: number;
  /** `expires_in` of issued tokens. Default 3599 s. */
  tokenTtlSeconds?: number;
  /** Back-off before each callback retry (3 retries). Default [200, 400, 800] ms. */
  callbackRetryDelaysMs?: readonly number[];
  /** A pino logger; default: a silent one. */
  logger?: Logger;
}

/** What the simulator remembers of one STK push. No phone numbers. */
export interface PushRecord {
  merchantRequestId: string;
  checkoutRequestId: string;
  outcome: SimOutcome;
  amount: number;
  accountReference: string;
  transactionType: string;
  createdAt: string;
  /** `open` until the payer answered (or the prompt timed out), then `final`. */
  state: 'open' | 'final';
  resultCode: number | null;
  duplicates: number;
  callbacksDelivered: number;
  callbackAttempts: number;
}

type FaultKind = 'spike_arrest' | 'server_error' | 'delay';
interface Fault {
  kind: FaultKind;
  remaining: number;
  delayMs: number;
}

const MAX_DUPLICATES = 10;

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Builds the Daraja simulator (OAuth, STK push, STK query, callbacks, `/sim/*` inspection) as a Fastify app.
 * The caller listens (tests on port 0) and closes it; closing cancels pending callbacks.
 */
export function buildSim(options: SimOptions): FastifyInstance {
  const log = options.logger ?? pino({ level: 'silent' });
  const delayMs = options.callbackDelayMs ?? 300;
  const tokenTtl = options.tokenTtlSeconds ?? 3599;
  const sender = new CallbackSender(log.child({ component: 'callbacks' }), options.callbackRetryDelaysMs ?? [200, 400, 800]);
  const pushes = new Map<string, PushRecord>();
  let token: { value: string; expiresAt: number } | null = null;
  let fault: Fault | null = null;
  const stats = { tokensIssued: 0 };

  const app = Fastify({ loggerInstance: log as FastifyBaseLogger });

  app.addHook('onClose', async () => {
    sender.close();
  });

  // Daraja answers malformed JSON with its own envelope, not Fastify's.
  app.setErrorHandler((err: { statusCode?: number }, _req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) return reply.code(400).send(errors.invalidField('Body'));
    log.error({ err }, 'simulator error');
    return reply.code(500).send(errors.serverError());
  });

  // Test faults apply to the next N Daraja API calls (not /sim/*).
  async function applyFault(reply: FastifyReply): Promise<boolean> {
    if (!fault) return false;
    const f = fault;
    f.remaining -= 1;
    if (f.remaining <= 0) fault = null;
    if (f.kind === 'delay') {
      await new Promise((r) => setTimeout(r, f.delayMs));
      return false;
    }
    if (f.kind === 'spike_arrest') {
      await reply.code(500).send(errors.spikeArrest());
      return true;
    }
    await reply.code(503).send(errors.serverError());
    return true;
  }

  function bearerOk(req: FastifyRequest, reply: FastifyReply): boolean {
    const header = req.headers.authorization;
    if (typeof header !== 'string' || !/^Bearer\s+\S+$/i.test(header)) {
      void reply.code(404).send(errors.invalidAuthHeader());
      return false;
    }
    const presented = header.replace(/^Bearer\s+/i, '').trim();
    if (!token || Date.now() >= token.expiresAt || !sameSecret(presented, token.value)) {
      void reply.code(404).send(errors.invalidToken());
      return false;
    }
    return true;
  }

  app.get('/oauth/v1/generate', async (req, reply) => {
    if (await applyFault(reply)) return reply;
    const grant = (req.query as Record<string, unknown>).grant_type;
    if (grant !== 'client_credentials') return reply.code(400).send(errors.invalidGrantType());
    const header = req.headers.authorization ?? '';
    const m = /^Basic\s+(\S+)$/i.exec(header);
    const decoded = m?.[1] ? Buffer.from(m[1], 'base64').toString('utf8') : '';
    const sep = decoded.indexOf(':');
    const key = sep >= 0 ? decoded.slice(0, sep) : '';
    const secret = sep >= 0 ? decoded.slice(sep + 1) : '';
    if (!sameSecret(key, options.consumerKey) || !sameSecret(secret, options.consumerSecret)) {
      return reply.code(400).send(errors.invalidCredentials());
    }
    // A new token replaces (invalidates) the previous one, as real Daraja does for one app.
    token = { value: accessToken(), expiresAt: Date.now() + tokenTtl * 1000 };
    stats.tokensIssued += 1;
    return reply.send({ access_token: token.value, expires_in: String(tokenTtl) });
  });

  app.post('/mpesa/stkpush/v1/processrequest', async (req, reply) => {
    if (await applyFault(reply)) return reply;
    if (!bearerOk(req, reply)) return reply;
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body)) return reply.code(400).send(errors.invalidField('Body'));
    const bad = invalidStkPushField(body, options);
    if (bad) return reply.code(400).send(errors.invalidField(bad));

    const override = req.headers['x-sim-outcome'];
    let outcome: SimOutcome;
    const phone = String(body.PhoneNumber);
    if (typeof override === 'string' && override !== '') {
      if (!isSimOutcome(override)) return reply.code(400).send(errors.invalidField('X-Sim-Outcome'));
      outcome = override;
    } else {
      outcome = outcomeForPhone(phone);
    }
    const dupHeader = Number(req.headers['x-sim-duplicate'] ?? 1);
    const duplicates = Number.isInteger(dupHeader) && dupHeader >= 1 ? Math.min(dupHeader, MAX_DUPLICATES) : 1;

    let now = new Date();
    let checkoutId = checkoutRequestId(phone, now);
    while (pushes.has(checkoutId)) {
      now = new Date(now.getTime() + 1);
      checkoutId = checkoutRequestId(phone, now);
    }
    const record: PushRecord = {
      merchantRequestId: merchantRequestId(),
      checkoutRequestId: checkoutId,
      outcome,
      amount: Number(body.Amount),
      accountReference: String(body.AccountReference),
      transactionType: String(body.TransactionType),
      createdAt: now.toISOString(),
      state: 'open',
      resultCode: null,
      duplicates,
      callbacksDelivered: 0,
      callbackAttempts: 0,
    };
    pushes.set(checkoutId, record);
    req.log.info(
      { merchantRequestId: record.merchantRequestId, outcome, amount: record.amount, duplicates },
      'stk push accepted',
    );

    const callbackUrl = String(body.CallBackURL);
    if (outcome === 'none') {
      // No callback at all; the prompt times out and a query then reports 1037.
      sender.schedule(delayMs * 2, () => {
        record.state = 'final';
        record.resultCode = OUTCOME_RESULTS.none.code;
      });
    } else {
      sender.schedule(delayMs, () => {
        record.state = 'final';
        const result = OUTCOME_RESULTS[outcome];
        record.resultCode = result.code;
        const payload = callbackBody(record, phone, result);
        for (let i = 0; i < duplicates; i += 1) {
          void sender.deliver(callbackUrl, payload, record.merchantRequestId).then((r) => {
            record.callbackAttempts += r.attempts;
            if (r.delivered) record.callbacksDelivered += 1;
          });
        }
      });
    }

    return reply.send({
      MerchantRequestID: record.merchantRequestId,
      CheckoutRequestID: checkoutId,
      ResponseCode: '0',
      ResponseDescription: 'Success. Request accepted for processing',
      CustomerMessage: 'Success. Request accepted for processing',
    });
  });

  app.post('/mpesa/stkpushquery/v1/query', async (req, reply) => {
    if (await applyFault(reply)) return reply;
    if (!bearerOk(req, reply)) return reply;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const bad = invalidStkQueryField(body, options);
    if (bad) return reply.code(400).send(errors.invalidField(bad));
    const record = pushes.get(String(body.CheckoutRequestID));
    if (!record) return reply.code(400).send(errors.invalidField('CheckoutRequestID'));
    if (record.state === 'open') return reply.code(500).send(errors.stillProcessing(record.checkoutRequestId));
    const result = OUTCOME_RESULTS[record.outcome];
    return reply.send({
      ResponseCode: '0',
      ResponseDescription: 'The service request has been accepted successfully',
      MerchantRequestID: record.merchantRequestId,
      CheckoutRequestID: record.checkoutRequestId,
      ResultCode: String(result.code),
      ResultDesc: result.desc,
    });
  });

  // --- test inspection and control ---
  // The same probe every Duka process answers, so runners treat the simulator like the services.
  app.get('/healthz', async () => ({ status: 'ok', service: 'daraja-sim' }));
  app.get('/sim/health', async () => ({ status: 'ok', pushes: pushes.size, tokensIssued: stats.tokensIssued }));

  app.get('/sim/pushes', async () => ({
    items: [...pushes.values()].map(({ checkoutRequestId: _omit, ...rest }) => rest),
  }));

  // The caller already holds the CheckoutRequestID (it names the phone), so answering by it discloses nothing new.
  app.get('/sim/pushes/:checkoutRequestId', async (req, reply) => {
    const record = pushes.get((req.params as { checkoutRequestId: string }).checkoutRequestId);
    if (!record) return reply.code(404).send({ error: 'unknown CheckoutRequestID' });
    return record;
  });

  app.post('/sim/faults', async (req, reply) => {
    const b = (req.body ?? {}) as { kind?: unknown; count?: unknown; delayMs?: unknown };
    const kinds: FaultKind[] = ['spike_arrest', 'server_error', 'delay'];
    if (typeof b.kind !== 'string' || !kinds.includes(b.kind as FaultKind)) {
      return reply.code(400).send({ error: 'kind must be spike_arrest, server_error or delay' });
    }
    const count = typeof b.count === 'number' && Number.isInteger(b.count) && b.count > 0 ? b.count : 1;
    const delay = typeof b.delayMs === 'number' && b.delayMs >= 0 ? b.delayMs : 0;
    fault = { kind: b.kind as FaultKind, remaining: count, delayMs: delay };
    return reply.code(204).send();
  });

  app.delete('/sim/faults', async (_req, reply) => {
    fault = null;
    return reply.code(204).send();
  });

  return app;
}

function callbackBody(record: PushRecord, phone: string, result: { code: number; desc: string }): unknown {
  const stkCallback: Record<string, unknown> = {
    MerchantRequestID: record.merchantRequestId,
    CheckoutRequestID: record.checkoutRequestId,
    ResultCode: result.code,
    ResultDesc: result.desc,
  };
  if (result.code === 0) {
    stkCallback.CallbackMetadata = {
      Item: [
        { Name: 'Amount', Value: record.amount },
        { Name: 'MpesaReceiptNumber', Value: receiptNumber() },
        { Name: 'TransactionDate', Value: Number(nairobiTimestamp()) },
        { Name: 'PhoneNumber', Value: Number(phone) },
      ],
    };
  }
  return { Body: { stkCallback } };
}
