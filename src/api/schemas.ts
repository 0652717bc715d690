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
  category: Type.Union([Type.Object({ zh: Type.String(), en: Type.String() }), Type.Null()]),
  materials: Type.Union([Type.String({ description: '一次性告知: what to bring' }), Type.Null()]),
  windows: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() }), { description: 'windows that serve its category' }),
  openWindows: Type.Integer({ description: 'windows serving its category now; 0: nobody yet' }),
  booking: Type.Optional(Type.Union([Type.Object({ slotStart: Type.Number(), slotEnd: Type.Number(), late: Type.Boolean(), label: Type.String() }), Type.Null()], { description: 'the booking it was checked in from' })),
});

/** Free text from staff: trimmed, bounded, no control characters. */
export const Text = (maxLength: number) => Type.String({ maxLength, pattern: '^[^\\u0000-\\u001f\\u007f]*$' });

/** A ticket as a reply names it: enough to find it again and to say what happened. */
export const TicketRefSchema = Type.Object({
  id: Type.String(),
  number: Type.String(),
  status: Type.String(),
  windowId: Type.Union([Type.Integer(), Type.Null()]),
});

/** The reply to POST /tickets: the ticket as decided at issue (also what the paper says). */
export const IssuedTicketSchema = Type.Object({
  ticket: Type.Object({
    id: Type.String({ description: 'unguessable: it opens /t/<id>' }),
    number: Type.String({ description: 'A012' }),
    categoryId: Type.String(),
    status: Type.Literal('waiting'),
    priorityGroup: Type.Union([Type.String(), Type.Null()]),
    priorityBy: Type.Union([Type.Literal('age'), Type.Literal('guide'), Type.Null()]),
    issuedAt: Type.Number(),
    businessDate: Type.String(),
    ahead: Type.Integer(),
    estimatedWaitMin: Type.Number(),
    estimate: Type.Object({ low: Type.Number(), high: Type.Number() }),
    windowId: Type.Null(),
    calledAt: Type.Null(),
    holderName: Type.Union([Type.String(), Type.Null()]),
    category: Type.Union([Type.Object({ zh: Type.String(), en: Type.String() }), Type.Null()]),
    materials: Type.Union([Type.String({ description: '一次性告知: what to bring' }), Type.Null()]),
    windows: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() }), { description: 'windows that serve its category' }),
    openWindows: Type.Integer({ description: 'windows serving its category now; 0: nobody yet' }),
  }),
  print: Type.Optional(Type.Object({ state: Type.Union([Type.Literal('printing'), Type.Literal('printed'), Type.Literal('failed'), Type.Literal('unavailable')]) })),
});

export const PrintReplySchema = Type.Object({
  print: Type.Object({ jobId: Type.String(), kioskId: Type.String(), state: Type.String() }),
});

/** What a window action changed: the events, and the ticket it concerned if any. */
export const WindowActionSchema = Type.Object({
  events: Type.Array(Type.Object({ seq: Type.Integer(), type: Type.String() })),
  ticket: Type.Optional(TicketRefSchema),
});
