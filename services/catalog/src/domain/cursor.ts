/**
 * Keyset cursors: an opaque base64url token of the last row's (created_at, id) and the sort it belongs to.
 * A cursor from one sort order is refused by another (it would skip or repeat rows).
 */
import { isUuid } from '@duka/db';

export const sortFields = ['-createdAt', 'createdAt'] as const;
export type Sort = (typeof sortFields)[number];

export interface CursorKey {
  createdAt: number;
  id: string;
}

export function encodeCursor(key: CursorKey, sort: Sort): string {
  return Buffer.from(JSON.stringify({ t: key.createdAt, i: key.id, s: sort })).toString('base64url');
}

/** The key inside `cursor`, or null when it is malformed or was made for another sort. */
export function decodeCursor(cursor: string, sort: Sort): CursorKey | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t?: unknown; i?: unknown; s?: unknown };
    if (typeof v.t !== 'number' || !Number.isSafeInteger(v.t) || v.t < 0) return null;
    if (!isUuid(v.i) || v.s !== sort) return null;
    return { createdAt: v.t, id: v.i };
  } catch {
    return null;
  }
}

/** Splits a `limit + 1` fetch into the page and the cursor of the next one. */
export function page<T extends CursorKey>(rows: T[], limit: number, sort: Sort): { items: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { items: rows, nextCursor: null };
  const items = rows.slice(0, limit);
  const last = items[items.length - 1]!;
  return { items, nextCursor: encodeCursor(last, sort) };
}
