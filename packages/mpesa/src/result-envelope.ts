import { z } from 'zod';
import { idLike, keyValueList, resultCodeField, toParameterMap } from './zod-fields.js';

// The `{Result: {...}}` envelope shared by B2C, reversal and transaction-status results.
export const resultEnvelopeSchema = z.object({
  Result: z.object({
    ResultType: z.union([z.number(), z.string()]).transform(Number).optional(),
    ResultCode: resultCodeField,
    ResultDesc: z.string(),
    OriginatorConversationID: idLike,
    ConversationID: idLike,
    TransactionID: idLike.optional(),
    ResultParameters: z.object({ ResultParameter: keyValueList.optional() }).optional(),
    ReferenceData: z.object({ ReferenceItem: keyValueList.optional() }).optional(),
  }),
});

/** Fields common to every asynchronous `{Result: ...}` callback. */
export interface AsyncResultBase {
  resultType?: number;
  /** Always a string; may be alphanumeric (`R000002`). `"0"` means success. */
  resultCode: string;
  resultDesc: string;
  originatorConversationId: string;
  conversationId: string;
  transactionId?: string;
  /** Every `ResultParameter` by `Key`; items without a `Value` map to `undefined`. */
  parameters: Record<string, string | number | undefined>;
  /** Every `ReferenceItem` by `Key`. */
  referenceData: Record<string, string | number | undefined>;
}

export function toBase(parsed: z.infer<typeof resultEnvelopeSchema>): AsyncResultBase {
  const r = parsed.Result;
  const base: AsyncResultBase = {
    resultCode: r.ResultCode,
    resultDesc: r.ResultDesc,
    originatorConversationId: r.OriginatorConversationID,
    conversationId: r.ConversationID,
    parameters: toParameterMap(r.ResultParameters?.ResultParameter),
    referenceData: toParameterMap(r.ReferenceData?.ReferenceItem),
  };
  if (r.ResultType !== undefined && !Number.isNaN(r.ResultType)) base.resultType = r.ResultType;
  if (r.TransactionID !== undefined) base.transactionId = r.TransactionID;
  return base;
}
