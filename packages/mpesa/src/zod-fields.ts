import { z } from 'zod';

/** A Daraja result code: sent as a number by some APIs, a string by others, alphanumeric by reversals. */
export const resultCodeField = z.union([z.number(), z.string().min(1)]).transform((v) => String(v));

/** A numeric value that Daraja may send as a JSON number or as a decimal string (`"5.00"`). */
export const numberish = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, 'expected a decimal number')
    .transform(Number),
]);

/** An identifier Daraja may send as a number (dates like 20191219102115, phones) or a string; kept as a string. */
export const idLike = z.union([z.string(), z.number()]).transform((v) =>
  typeof v === 'number' ? (Number.isSafeInteger(v) ? v.toFixed(0) : String(v)) : v,
);

/** A `{Key, Value?}` pair list as found in `ResultParameters.ResultParameter`; a single object is accepted too. */
const keyValue = z.object({ Key: z.string(), Value: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional() });
export type KeyValue = z.infer<typeof keyValue>;
export const keyValueList = z.union([z.array(keyValue), keyValue.transform((kv) => [kv])]);

/** Turns a Key/Value list into a lookup; a missing `Value` (Daraja omits it at times) maps to `undefined`. */
export function toParameterMap(list: readonly KeyValue[] | undefined): Record<string, string | number | undefined> {
  const out: Record<string, string | number | undefined> = {};
  for (const { Key, Value } of list ?? []) {
    out[Key] = Value === null || Value === undefined ? undefined : typeof Value === 'boolean' ? String(Value) : Value;
  }
  return out;
}

/** Reads a parameter as a number, whether Daraja sent `10`, `"10"` or `"10.00"`. */
export function paramNumber(params: Record<string, string | number | undefined>, key: string): number | undefined {
  const v = params[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}

/** Reads a parameter as a string (numbers rendered without exponent for integers). */
export function paramString(params: Record<string, string | number | undefined>, key: string): string | undefined {
  const v = params[key];
  if (v === undefined) return undefined;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v.toFixed(0) : String(v);
  return v;
}
