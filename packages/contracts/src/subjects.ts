import type { GenMessage } from '@bufbuild/protobuf/codegenv2';
import { ContractError } from './errors.js';
import { CallbackReceivedSchema } from './gen/duka/mpesa/v1/callback_pb.js';
import type { CallbackReceived } from './gen/duka/mpesa/v1/callback_pb.js';
import { QuoteReplySchema, QuoteRequestSchema } from './gen/duka/catalog/v1/quote_pb.js';
import type { QuoteReply, QuoteRequest } from './gen/duka/catalog/v1/quote_pb.js';
import { SendNotificationSchema } from './gen/duka/notifications/v1/notifications_pb.js';
import type { SendNotification } from './gen/duka/notifications/v1/notifications_pb.js';

// A NATS subject token must not be empty or contain separators, wildcards or whitespace; a tenant id like
// "a.b" or ">" would otherwise publish to, or subscribe across, other tenants' subjects.
const INVALID_TOKEN = /[.*>\s]/;

/** Returns `token` if it is usable as one NATS subject token; throws `CONTRACTS_INVALID_SUBJECT_TOKEN` otherwise. */
export function subjectToken(token: string, what = 'tenantId'): string {
  if (typeof token !== 'string' || token.length === 0 || INVALID_TOKEN.test(token)) {
    throw new ContractError('CONTRACTS_INVALID_SUBJECT_TOKEN', `${what} is not a valid subject token: ${JSON.stringify(token)}`);
  }
  return token;
}

/** Kinds of Daraja callback, one per `mpesa.<kind>.<tenant>` subject (DESIGN §5). */
export const MPESA_KINDS = ['stk', 'c2b', 'b2c', 'reversal', 'status'] as const;
export type MpesaKind = (typeof MPESA_KINDS)[number];

export function isMpesaKind(value: string): value is MpesaKind {
  return (MPESA_KINDS as readonly string[]).includes(value);
}

/** `mpesa.<kind>.<tenant>`: subject of a {@link CallbackReceived} on the MPESA stream. */
export function mpesaSubject(kind: MpesaKind, tenantId: string): string {
  if (!isMpesaKind(kind)) {
    throw new ContractError('CONTRACTS_INVALID_SUBJECT_TOKEN', `unknown mpesa kind: ${JSON.stringify(kind)}`);
  }
  return `mpesa.${kind}.${subjectToken(tenantId)}`;
}

/** Inverse of {@link mpesaSubject}; `undefined` for anything else. */
export function parseMpesaSubject(subject: string): { kind: MpesaKind; tenantId: string } | undefined {
  const [root, kind, tenantId, ...rest] = subject.split('.');
  if (root !== 'mpesa' || kind === undefined || !isMpesaKind(kind) || !tenantId || rest.length > 0) return undefined;
  return { kind, tenantId };
}

/** The MPESA stream contract: body schema and subject builder. */
export const mpesaCallback: {
  readonly schema: GenMessage<CallbackReceived>;
  readonly subject: (kind: MpesaKind, tenantId: string) => string;
  readonly filter: (kind?: MpesaKind) => string;
} = Object.freeze({
  schema: CallbackReceivedSchema,
  subject: mpesaSubject,
  filter: (kind?: MpesaKind) => (kind === undefined ? 'mpesa.>' : `mpesa.${kind}.*`),
});

/** `cmd.notifications.send.<tenant>`: subject of a {@link SendNotification} on the CMD stream. */
export function notificationSendSubject(tenantId: string): string {
  return `cmd.notifications.send.${subjectToken(tenantId)}`;
}

/** The `notifications.send` command contract; `type` is the `Duka-Event-Type` header value. */
export const notificationSend: {
  readonly type: 'notifications.send';
  readonly schema: GenMessage<SendNotification>;
  readonly subject: (tenantId: string) => string;
  readonly filter: string;
} = Object.freeze({
  type: 'notifications.send',
  schema: SendNotificationSchema,
  subject: notificationSendSubject,
  filter: 'cmd.notifications.send.*',
});

/** NATS request/reply subject served by catalog. Tenant travels in the request body, not the subject. */
export const CATALOG_QUOTE_SUBJECT = 'rpc.catalog.quote';

/** The `rpc.catalog.quote` contract: request and reply schemas. */
export const catalogQuote: {
  readonly subject: typeof CATALOG_QUOTE_SUBJECT;
  readonly request: GenMessage<QuoteRequest>;
  readonly reply: GenMessage<QuoteReply>;
} = Object.freeze({
  subject: CATALOG_QUOTE_SUBJECT,
  request: QuoteRequestSchema,
  reply: QuoteReplySchema,
});
