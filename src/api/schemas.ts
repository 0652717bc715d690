import { Type } from '@sinclair/typebox';

/** Shared OpenAPI shapes. */
export const ErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'HQ_ERR_*' }),
      message: Type.String({ description: '中文 / English' }),
      zh: Type.String(),
      en: Type.String(),
      detail: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { $id: 'Error' },
);

export const WindowIdParams = Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,2}$', description: 'window number' }) }, { additionalProperties: false });

export const TicketSchema = Type.Object({
  id: Type.String(),
  number: Type.String(),
  categoryId: Type.String(),
  status: Type.String(),
  priorityGroup: Type.Union([Type.String(), Type.Null()]),
  issuedAt: Type.Number(),
  businessDate: Type.String(),
  ahead: Type.Integer(),
  estimatedWaitMin: Type.Number(),
  windowId: Type.Union([Type.Integer(), Type.Null()]),
  calledAt: Type.Union([Type.Number(), Type.Null()]),
  holderName: Type.Union([Type.String(), Type.Null()]),
});

/** Free text from staff: trimmed, bounded, no control characters. */
export const Text = (maxLength: number) => Type.String({ maxLength, pattern: '^[^\\u0000-\\u001f\\u007f]*$' });
