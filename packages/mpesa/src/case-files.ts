import { readFileSync } from 'node:fs';

// CI lays shared/ beside the checkout: <checkout>/../shared. From packages/mpesa/src that is four levels up.
const CASES = new URL('../../../../shared/cases/mpesa/', import.meta.url);

/** Loads one case file from shared/cases/mpesa as parsed JSON. */
export function loadCase(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, CASES), 'utf8')) as unknown;
}
