/** E.164 phone numbers: what the adapters accept, and how a recipient is shown. */
const e164 = /^\+[1-9]\d{6,14}$/;

export function isE164(value: string): boolean {
  return e164.test(value);
}

/** `+254712345678` -> `+254•••••678`: country code and the last three digits only. */
export function maskRecipient(value: string): string {
  if (isE164(value)) {
    const cc = value.startsWith('+1') || value.startsWith('+7') ? value.slice(0, 2) : value.slice(0, 4);
    return cc + '•'.repeat(value.length - cc.length - 3) + value.slice(-3);
  }
  return value.length <= 3 ? '•••' : '•'.repeat(Math.min(8, value.length - 3)) + value.slice(-3);
}
