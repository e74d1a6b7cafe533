import { createHash } from 'node:crypto';

/** sha256 as hex: the dedupe key of a raw body, and the stored form of a CheckoutRequestID. */
export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
