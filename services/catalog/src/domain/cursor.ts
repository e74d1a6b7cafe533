/**
 * Product list cursors: the last row's (created_at, id) and the sort they belong to. A cursor from one sort order
 * is refused by another (it would skip or repeat rows).
 */
import { decodeCursor as decode, keysetPage, z } from '@duka/http';

export const sortFields = ['-createdAt', 'createdAt'] as const;
export type Sort = (typeof sortFields)[number];

export interface CursorKey {
  createdAt: number;
  id: string;
}

const cursorKey = z.object({ t: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), i: z.uuid(), s: z.enum(sortFields) });

/** The key inside `cursor`, or null when it is malformed or was made for another sort. */
export function decodeCursor(cursor: string, sort: Sort): CursorKey | null {
  const key = decode(cursor, cursorKey);
  return key && key.s === sort ? { createdAt: key.t, id: key.i } : null;
}

/** Splits a `limit + 1` fetch into the page and the cursor of the next one. */
export function page<T extends CursorKey>(rows: T[], limit: number, sort: Sort): { items: T[]; nextCursor: string | null } {
  return keysetPage(rows, limit, (last) => ({ t: last.createdAt, i: last.id, s: sort }));
}
