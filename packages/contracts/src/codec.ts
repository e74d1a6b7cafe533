import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { DescMessage, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import { ContractError } from './errors.js';

/** Builds `schema` from a plain init object (or an existing message) and serialises it to protobuf binary. */
export function encodeMessage<S extends DescMessage>(schema: S, message: MessageInitShape<S>): Uint8Array {
  return toBinary(schema, create(schema, message));
}

/**
 * Parses protobuf binary as `schema`. Unknown fields from newer producers are kept, so re-encoding is lossless.
 * Malformed input throws a {@link ContractError} `CONTRACTS_DECODE_FAILED` (the original error is its `cause`).
 */
export function decodeMessage<S extends DescMessage>(schema: S, bytes: Uint8Array): MessageShape<S> {
  try {
    return fromBinary(schema, bytes);
  } catch (err) {
    throw new ContractError('CONTRACTS_DECODE_FAILED', `cannot decode ${schema.typeName}`, { cause: err });
  }
}
