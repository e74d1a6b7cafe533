/**
 * A small client for Duka's public API (DESIGN §9), used by `make demo` and the end-to-end tests.
 * It speaks plain HTTP to the gateway, exactly as a storefront or panel would.
 */
export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export class DukaApi {
  constructor(
    readonly baseUrl: string,
    private readonly defaults: Record<string, string> = {},
  ) {}

  /** A client that sends `X-Tenant-ID` (and optionally a bearer token) on every call. */
  as(tenantId: string, accessToken?: string): DukaApi {
    return new DukaApi(this.baseUrl, {
      ...this.defaults,
      'x-tenant-id': tenantId,
      ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
    });
  }

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: { ...this.defaults, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  signup(input: { name: string; slug: string; owner: { email: string; phone: string; password: string } }) {
    return this.call<{ tenant: { id: string; slug: string }; owner: { id: string } }>('POST', '/v1/tenants', input);
  }

  login(email: string, password: string) {
    return this.call<{ accessToken: string; refreshToken: string; expiresIn: number }>('POST', '/v1/auth/login', { email, password });
  }

  createProduct(input: { name: string; priceCents: number; currency: 'KES'; published?: boolean; stock?: number }) {
    return this.call<{ id: string; name: string; priceCents: number }>('POST', '/v1/products', input);
  }

  storeProducts() {
    return this.call<{ items: Array<{ id: string; name: string; priceCents: number }>; nextCursor: string | null }>('GET', '/v1/store/products');
  }

  checkout(idempotencyKey: string, input: { items: Array<{ productId: string; quantity: number }>; phone: string }, headers: Record<string, string> = {}) {
    return this.call<{ paymentId: string; orderId: string; status: string; amountCents: number }>('POST', '/v1/checkout', input, {
      'idempotency-key': idempotencyKey,
      ...headers,
    });
  }

  payment(id: string) {
    return this.call<{ id: string; status: string; amountCents: number; failureReason?: string | null }>('GET', `/v1/payments/${id}`);
  }

  audit() {
    return this.call<{ items: Array<{ action: string; actor: { kind: string; id: string }; target: unknown; at: string }>; nextCursor: string | null }>('GET', '/v1/audit');
  }

  deliveries() {
    return this.call<{ items: Array<{ id: string; channel: string; status: string; recipient: string; paymentId: string }> }>('GET', '/v1/notifications/deliveries');
  }

  /** Polls the payment until it leaves `requires_payment`/`processing`, or the time runs out. */
  async waitForFinalPayment(id: string, timeoutMs = 20_000): Promise<ApiResponse<{ id: string; status: string; amountCents: number; failureReason?: string | null }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.payment(id);
      const status = (res.body as { status?: string }).status;
      if (res.status !== 200 || (status !== 'requires_payment' && status !== 'processing') || Date.now() > deadline) return res;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
