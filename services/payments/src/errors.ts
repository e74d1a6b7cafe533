/** The payments service's error registry (STYLE 2): stable codes, HTTP status, title, retryability. */
import { defineErrors } from '@duka/http';

export const errors = defineErrors({
  PAYMENTS_TENANT_REQUIRED: { status: 400, title: 'This request needs a tenant (store)' },
  PAYMENTS_IDEMPOTENCY_KEY_REQUIRED: { status: 400, title: 'The Idempotency-Key header is required' },
  PAYMENTS_IDEMPOTENCY_MISMATCH: { status: 422, title: 'This Idempotency-Key was used with another request' },
  PAYMENTS_IDEMPOTENCY_IN_FLIGHT: { status: 409, title: 'A request with this Idempotency-Key is still in progress', retryable: true },
  PAYMENTS_PRODUCT_NOT_FOUND: { status: 422, title: 'A product in the cart does not exist' },
  PAYMENTS_PRODUCT_UNAVAILABLE: { status: 422, title: 'A product in the cart is not available' },
  PAYMENTS_OUT_OF_STOCK: { status: 422, title: 'A product in the cart is out of stock' },
  PAYMENTS_INVALID_QUANTITY: { status: 422, title: 'A quantity in the cart is not allowed' },
  PAYMENTS_QUOTE_REFUSED: { status: 422, title: 'The cart could not be priced' },
  PAYMENTS_AMOUNT_NOT_WHOLE_SHILLINGS: { status: 422, title: 'M-Pesa takes whole shillings only' },
  PAYMENTS_AMOUNT_OUT_OF_RANGE: { status: 422, title: 'The total is outside what M-Pesa accepts (1 to 250,000 KES)' },
  PAYMENTS_CURRENCY_UNSUPPORTED: { status: 422, title: 'Only KES can be paid with M-Pesa' },
  PAYMENTS_CATALOG_UNAVAILABLE: { status: 503, title: 'Prices could not be fetched; try again', retryable: true },
  PAYMENTS_QUOTE_INVALID: { status: 502, title: 'The catalog answered with an inconsistent quote', retryable: true },
  PAYMENTS_PAYMENT_NOT_FOUND: { status: 404, title: 'No such payment' },
});

export type PaymentsErrors = typeof errors;
