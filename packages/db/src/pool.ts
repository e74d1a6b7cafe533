import './polyfill.js';
import {
  createPool,
  createTimestampWithTimeZoneTypeParser,
  SchemaValidationError,
  type DatabasePool,
  type Interceptor,
} from 'slonik';

export type { DatabasePool };

/**
 * Checks each row against the schema given with `sql.type(schema)`; slonik 49 does not do it by itself
 * (TOOLCHAIN.md), and an unchecked row is how a type lie reaches the money code.
 */
const resultParser: Interceptor = {
  name: 'duka-result-parser',
  transformRowAsync: async (ctx, query, row, fields) => {
    const parser = ctx.resultParser;
    if (!parser) return row;
    const result = await parser['~standard'].validate(row);
    if (result.issues) throw new SchemaValidationError(query, row, result.issues as never);
    void fields;
    return result.value as typeof row;
  },
};

export interface PoolOptions {
  maximumPoolSize?: number;
  applicationName?: string;
}

/** Opens a slonik pool with Duka's type parsers and result checking. */
export async function createDbPool(url: string, opts: PoolOptions = {}): Promise<DatabasePool> {
  const dsn = new URL(url);
  if (opts.applicationName) dsn.searchParams.set('application_name', opts.applicationName);
  return createPool(dsn.toString(), {
    maximumPoolSize: opts.maximumPoolSize ?? 10,
    connectionTimeout: 5_000,
    statementTimeout: 15_000,
    idleInTransactionSessionTimeout: 30_000,
    interceptors: [resultParser],
    typeParsers: [
      // Counts and minor-unit amounts stay far below 2^53; plain numbers keep JSON and zod simple.
      { name: 'int8', parse: (v: string) => Number(v) },
      { name: 'numeric', parse: (v: string) => Number(v) },
      createTimestampWithTimeZoneTypeParser(),
    ],
  });
}
