const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID (every tenant id is one). The gateway holds no database, so it does not import @duka/db. */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && uuidRe.test(value);
