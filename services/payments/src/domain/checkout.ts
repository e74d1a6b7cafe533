/**
 * Checkout rules without I/O: the canonical request and its hash (idempotency), checking a catalog quote, the
 * M-Pesa amount limits, and the short order reference.
 */
import { createHash, randomInt } from 'node:crypto';
import { STK_LIMITS } from '@duka/mpesa';

export interface CartItem {
  productId: string;
  quantity: number;
}

export interface CheckoutRequest {
  items: CartItem[];
  /** Normalised E.164. */
  phone: string;
}

/**
 * SHA-256 of the canonical request: fixed key order, lower-case ids, the normalised phone. Two bodies that mean the
 * same checkout (`0712…` and `+254712…`, other key order or spacing) hash the same.
 */
export function requestHash(scope: string, req: CheckoutRequest): string {
  const canonical = JSON.stringify({
    scope,
    items: req.items.map((i) => [i.productId.toLowerCase(), i.quantity]),
    phone: req.phone,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

export interface PricedLine {
  productId: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
  lineTotalCents: number;
}

/** What a catalog quote reply carries (decoded; int64 as bigint). */
export interface QuoteAnswer {
  ok: boolean;
  lines: Array<{ productId: string; name: string; quantity: bigint; unitPriceCents: bigint; lineTotalCents: bigint }>;
  totalCents: bigint;
  currency: string;
  errorCode: string;
  errorDetail: string;
}

export type QuoteCheck =
  | { ok: true; lines: PricedLine[]; totalCents: number; currency: 'KES' }
  | { ok: false; kind: 'refused'; code: string; detail: string }
  | { ok: false; kind: 'invalid'; detail: string }
  | { ok: false; kind: 'currency'; currency: string };

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Checks a quote against the cart: every line for the requested product and quantity, line totals that add up,
 * KES only. The amount charged is the quote's, never the client's.
 */
export function checkQuote(items: readonly CartItem[], q: QuoteAnswer): QuoteCheck {
  if (!q.ok) return { ok: false, kind: 'refused', code: q.errorCode || 'UNKNOWN', detail: q.errorDetail };
  if (q.currency !== 'KES') return { ok: false, kind: 'currency', currency: q.currency };
  if (q.lines.length !== items.length) return { ok: false, kind: 'invalid', detail: 'line count differs from the cart' };
  const lines: PricedLine[] = [];
  let sum = 0n;
  for (const [i, item] of items.entries()) {
    const l = q.lines[i]!;
    if (l.productId.toLowerCase() !== item.productId.toLowerCase() || l.quantity !== BigInt(item.quantity)) {
      return { ok: false, kind: 'invalid', detail: `line ${i + 1} does not match the cart` };
    }
    if (l.unitPriceCents < 0n || l.lineTotalCents !== l.unitPriceCents * l.quantity || l.lineTotalCents > SAFE) {
      return { ok: false, kind: 'invalid', detail: `line ${i + 1} does not add up` };
    }
    sum += l.lineTotalCents;
    lines.push({
      productId: item.productId.toLowerCase(),
      name: l.name,
      quantity: item.quantity,
      unitPriceCents: Number(l.unitPriceCents),
      lineTotalCents: Number(l.lineTotalCents),
    });
  }
  if (sum !== q.totalCents || sum > SAFE) return { ok: false, kind: 'invalid', detail: 'total does not add up' };
  return { ok: true, lines, totalCents: Number(sum), currency: 'KES' };
}

export type AmountCheck = { ok: true; shillings: number } | { ok: false; problem: 'not_whole_shillings' | 'out_of_range' };

/** M-Pesa takes whole shillings from 1 to 250,000. */
export function checkAmount(totalCents: number): AmountCheck {
  if (!Number.isSafeInteger(totalCents) || totalCents % 100 !== 0) return { ok: false, problem: 'not_whole_shillings' };
  const shillings = totalCents / 100;
  if (shillings < STK_LIMITS.minAmount || shillings > STK_LIMITS.maxAmount) return { ok: false, problem: 'out_of_range' };
  return { ok: true, shillings };
}

// No 0/O or 1/I: the payer may read the reference aloud or type it.
const REF_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A short order reference (10 characters, within Daraja's 12 for AccountReference). */
export function newOrderRef(): string {
  let ref = '';
  for (let i = 0; i < 10; i += 1) ref += REF_ALPHABET[randomInt(REF_ALPHABET.length)];
  return ref;
}
