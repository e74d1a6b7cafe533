/**
 * Message templates: defaults in code, overridable per tenant (notifications.templates). Rendering is plain
 * `{name}` substitution from an allow-listed set of variables; the recipient is never a variable, so a body can
 * not carry the phone number it is sent to.
 */

export interface TemplateSpec {
  body: string;
  /** Variables whose values are secrets (codes): delivered, but stored as `••••`. */
  sensitive?: readonly string[];
}

export const RECEIPT_TEMPLATE = 'payment.receipt';

export const defaultTemplates: Readonly<Record<string, TemplateSpec>> = {
  [RECEIPT_TEMPLATE]: { body: 'Payment of KES {amount} received for order {orderRef}. Receipt {receipt}. Thank you!' },
  'auth.otp': { body: 'Your Duka code is {code}. It expires in {minutes} minutes. Never share it.', sensitive: ['code'] },
};

const placeholder = /\{([a-zA-Z][a-zA-Z0-9_]{0,40})\}/g;

export interface Rendered {
  /** What the recipient gets. */
  text: string;
  /** What is stored: sensitive values replaced. */
  stored: string;
}

/** Fills `{name}` placeholders; unknown names render empty so a tenant's typo never leaks template syntax. */
export function render(body: string, vars: Readonly<Record<string, string>>, sensitive: readonly string[] = []): Rendered {
  const text = body.replace(placeholder, (_m, name: string) => vars[name] ?? '');
  const stored = body.replace(placeholder, (_m, name: string) => (sensitive.includes(name) ? '••••' : (vars[name] ?? '')));
  return { text, stored };
}

/** 150000 cents -> "1,500"; 150050 -> "1,500.50" (M-Pesa amounts are whole shillings, refunds may not be). */
export function formatKes(amountCents: bigint | number): string {
  const cents = BigInt(amountCents);
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const rest = abs % 100n;
  return sign + whole + (rest === 0n ? '' : '.' + rest.toString().padStart(2, '0'));
}

/** A receipt for a message: keep it masked even if a producer forgot to (payments sends it masked). */
export function maskedReceipt(receipt: string): string {
  if (receipt === '' || /[•*]/.test(receipt)) return receipt;
  return receipt.length <= 4 ? '•'.repeat(receipt.length) : '•'.repeat(Math.min(6, receipt.length - 4)) + receipt.slice(-4);
}

/** Variables of the receipt template from a PaymentSucceeded event. */
export function receiptVars(p: { amountCents: bigint; currency: string; orderId: string; paymentId: string; receiptMasked: string }): Record<string, string> {
  return {
    amount: formatKes(p.amountCents),
    currency: p.currency || 'KES',
    orderRef: p.orderId,
    orderId: p.orderId,
    paymentId: p.paymentId,
    receipt: maskedReceipt(p.receiptMasked),
  };
}
