/**
 * Errors as RFC 9457 problems. Each service declares one registry of stable codes with `defineErrors`;
 * the error handler in app.ts turns them (and validation and framework errors) into problem+json.
 */
export const problemBase = 'https://duka.dev/problems/';

export interface ErrorSpec {
  status: number;
  title: string;
  retryable?: boolean;
}

export interface FieldIssue {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly spec: ErrorSpec,
    detail?: string,
    readonly errors?: FieldIssue[],
  ) {
    super(detail ?? spec.title);
    this.name = 'AppError';
  }

  get type(): string {
    return problemBase + this.code.toLowerCase().replaceAll('_', '-');
  }
}

/** Errors every service can raise; a service registry adds its own codes. */
export const commonErrors = {
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  MALFORMED_JSON: { status: 400, title: 'The body is not valid JSON' },
  BAD_URL: { status: 400, title: 'The URL is not valid' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication is required' },
  FORBIDDEN: { status: 403, title: 'You may not do this' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Send application/json' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The body is too large' },
  RATE_LIMITED: { status: 429, title: 'Too many requests', retryable: true },
  INTERNAL: { status: 500, title: 'Something went wrong on our side', retryable: true },
  UNAVAILABLE: { status: 503, title: 'A dependency is unavailable', retryable: true },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorFactory<C extends string> = {
  [K in C]: (detail?: string, errors?: FieldIssue[]) => AppError;
};

/** Builds a service's error registry: `errors.PAYMENTS_IDEMPOTENCY_MISMATCH('detail')` returns an AppError. */
export function defineErrors<R extends Record<string, ErrorSpec>>(registry: R): ErrorFactory<Extract<keyof (R & typeof commonErrors), string>> {
  const all = { ...commonErrors, ...registry } as Record<string, ErrorSpec>;
  const out: Record<string, (detail?: string, errors?: FieldIssue[]) => AppError> = {};
  for (const [code, spec] of Object.entries(all)) out[code] = (detail, errors) => new AppError(code, spec, detail, errors);
  return out as ErrorFactory<Extract<keyof (R & typeof commonErrors), string>>;
}

export const httpErrors = defineErrors({});
