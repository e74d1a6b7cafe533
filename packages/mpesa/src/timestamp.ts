// Africa/Nairobi is UTC+3 all year (no daylight saving), so a fixed offset is exact and needs no tz database.
const NAIROBI_OFFSET_MS = 3 * 60 * 60 * 1000;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Shifts a date to Nairobi wall-clock time, readable through the `getUTC*` accessors. */
export function toNairobiWallClock(date: Date): Date {
  return new Date(date.getTime() + NAIROBI_OFFSET_MS);
}

/** Daraja's `Timestamp`: `YYYYMMDDHHmmss` in Africa/Nairobi time (UTC+3). */
export function nairobiTimestamp(date: Date = new Date()): string {
  const d = toNairobiWallClock(date);
  return (
    `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`
  );
}

/**
 * Parses a Daraja `YYYYMMDDHHmmss` Nairobi timestamp (also the shape of `TransactionDate`) back to an instant.
 * Returns `null` for a malformed or impossible date.
 */
export function parseNairobiTimestamp(value: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return fromNairobiParts(y, mo, d, h, mi, s);
}

/** Parses the B2C `DD.MM.YYYY HH:mm:ss` Nairobi date to an instant, or `null`. */
export function parseNairobiDottedDate(value: string): Date | null {
  const m = /^(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(value.trim());
  if (!m) return null;
  const [d, mo, y, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return fromNairobiParts(y, mo, d, h, mi, s);
}

function fromNairobiParts(y: number, mo: number, d: number, h: number, mi: number, s: number): Date | null {
  const utc = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(utc);
  if (
    check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d ||
    check.getUTCHours() !== h || check.getUTCMinutes() !== mi || check.getUTCSeconds() !== s
  ) {
    return null;
  }
  return new Date(utc - NAIROBI_OFFSET_MS);
}

/** Daraja's STK `Password`: base64 of shortcode + passkey + timestamp (the same timestamp sent as `Timestamp`). */
export function stkPassword(shortcode: string, passkey: string, timestamp: string): string {
  return Buffer.from(`${shortcode}${passkey}${timestamp}`, 'utf8').toString('base64');
}
