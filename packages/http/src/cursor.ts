/**
 * Keyset pagination cursors (DESIGN §4: sort keys from allow-lists). A cursor is the opaque base64url JSON of the
 * last row's sort key; coming back it is checked against the route's schema, so a forged or foreign cursor is
 * refused rather than trusted.
 */
import type { z } from 'zod';

export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key inside `cursor`, or null when it is malformed or does not fit `schema`. */
export function decodeCursor<S extends z.ZodType>(cursor: string, schema: S): z.infer<S> | null {
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Splits a `limit + 1` fetch into the page and the cursor of the next one. */
export function keysetPage<T>(rows: readonly T[], limit: number, keyOf: (last: T) => Record<string, unknown>): { items: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { items: [...rows], nextCursor: null };
  const items = rows.slice(0, limit);
  return { items, nextCursor: encodeCursor(keyOf(items[items.length - 1]!)) };
}
