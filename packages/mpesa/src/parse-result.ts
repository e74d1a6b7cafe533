import type { z } from 'zod';

/** One problem found while parsing an outside payload. `path` is dotted (`Body.stkCallback.ResultCode`). */
export interface ParseIssue {
  path: string;
  message: string;
}

/** Outcome of a parser: never thrown, always returned. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: ParseIssue[] };

/** Runs a zod schema and turns its outcome into a {@link ParseResult}. Issue messages never echo input values. */
export function runSchema<T>(schema: z.ZodType<T>, body: unknown): ParseResult<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  };
}
