import { Type, type Static } from '@sinclair/typebox';

/**
 * The `sms.gateway` settings of a hall that sends texts through its operator's HTTP gateway
 * (短信网关) rather than a modem. Nothing of any vendor is built in: the request is a template, the
 * answer is read by paths. Validated like the rest of hall.yaml (Value.Default, then Value.Errors),
 * then `checkSmsGatewayConfig` for what a schema cannot say.
 *
 * ```yaml
 * gateway:
 *   url: https://sms.example.com/api/send
 *   headers: { X-App-Key: abc123 }
 *   body: { format: json, fields: { mobile: '{to}', content: '{sign}{text}', ext.channel: '01' } }
 *   sign: 【某某镇便民服务中心】
 *   success: { path: code, equals: ['0', 0] }
 *   messageIdPath: data.msgId
 *   errorMessagePath: msg
 *   inbound: { from: mobile, text: content, receivedAt: time, id: msgId }
 *   delivery: { messageId: msgId, to: mobile, status: stat, deliveredWhen: [DELIVRD] }
 * ```
 */

/** A dotted path: `code`, `data.msgId`. Segments are anything but dots and spaces. */
const DottedPath = Type.String({ pattern: '^[^.\\s]+(\\.[^.\\s]+)*$', description: 'dotted path, e.g. data.msgId' });
const Scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

/** The placeholders a field template may hold. */
export const SMS_PLACEHOLDERS = ['to', 'text', 'sign'] as const;

export const SmsGatewayConfigSchema = Type.Object(
  {
    url: Type.String({ pattern: '^https?://[\\x21-\\x7e]+$' }),
    /** POST sends `body` as JSON or a form; GET sends its fields as the query string. */
    method: Type.Union([Type.Literal('POST'), Type.Literal('GET')], { default: 'POST' }),
    /** Fixed request headers (an app key, say). */
    headers: Type.Record(Type.String({ pattern: "^[A-Za-z0-9!#$%&'*+.^_`|~-]+$" }), Type.String(), { default: {} }),
    body: Type.Object(
      {
        format: Type.Union([Type.Literal('json'), Type.Literal('form')], { default: 'json' }),
        /**
         * Target path → value. Strings may hold `{to}`, `{text}`, `{sign}`; JSON paths may nest
         * (`ext.channel` makes `{"ext":{"channel":…}}`), form fields are flat.
         */
        fields: Type.Record(DottedPath, Scalar, { minProperties: 1 }),
      },
      { additionalProperties: false },
    ),
    /** The operator-approved signature (短信签名, 【…】) that `{sign}` stands for. */
    sign: Type.String({ default: '' }),
    /** `{to}` as `+8613800138000` (`international`) or `13800138000` (`national`, what most gateways want). */
    numberFormat: Type.Union([Type.Literal('national'), Type.Literal('international')], { default: 'national' }),
    /** The whole request, answer included. */
    timeoutMs: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
    /** A 2xx answer is a success when the JSON value at `path` is one of `equals`; anything else is a refusal. */
    success: Type.Object({ path: DottedPath, equals: Type.Array(Scalar, { minItems: 1 }) }, { additionalProperties: false }),
    /** Where the answer names the message (a string, a number, or an array of them, one a part). */
    messageIdPath: Type.Optional(DottedPath),
    /** Where a refusal says why; shown in the error. */
    errorMessagePath: Type.Optional(DottedPath),
    /** How the gateway's callback for a received text reads (JSON body or form fields). */
    inbound: Type.Optional(
      Type.Object(
        {
          from: DottedPath,
          text: DottedPath,
          /** Epoch ms, epoch s, or `YYYY-MM-DD HH:mm:ss` at `utcOffsetMinutes`; without it, the time of the callback. */
          receivedAt: Type.Optional(DottedPath),
          /** The gateway's id of the message: the `ref` when given (else a hash of sender, time and text). */
          id: Type.Optional(DottedPath),
        },
        { additionalProperties: false },
      ),
    ),
    /** How the gateway's delivery report callback reads. */
    delivery: Type.Optional(
      Type.Object(
        {
          messageId: DottedPath,
          to: Type.Optional(DottedPath),
          status: DottedPath,
          /** Status values that mean delivered (`DELIVRD`, `0`). */
          deliveredWhen: Type.Array(Scalar, { minItems: 1 }),
          at: Type.Optional(DottedPath),
        },
        { additionalProperties: false },
      ),
    ),
    /** The gateway's zone for `YYYY-MM-DD HH:mm:ss` times (China: 480). */
    utcOffsetMinutes: Type.Integer({ minimum: -720, maximum: 840, default: 480 }),
  },
  { additionalProperties: false },
);
export type SmsGatewayConfig = Static<typeof SmsGatewayConfigSchema>;

/** What the schema cannot check: placeholders are known, form fields are flat, a GET has no nested fields. */
export function checkSmsGatewayConfig(c: SmsGatewayConfig, base = 'sms.gateway'): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  for (const [path, value] of Object.entries(c.body.fields)) {
    const at = `${base}.body.fields.${path}`;
    if (typeof value === 'string') {
      for (const m of value.matchAll(/\{([^{}]*)\}/g)) {
        if (!(SMS_PLACEHOLDERS as readonly string[]).includes(m[1]!)) out.push({ path: at, message: `unknown placeholder {${m[1]}} (known: ${SMS_PLACEHOLDERS.map((p) => `{${p}}`).join(', ')})` });
      }
    }
    if ((c.body.format === 'form' || c.method === 'GET') && path.includes('.')) out.push({ path: at, message: 'form and query fields are flat: no dots' });
  }
  if (!Object.values(c.body.fields).some((v) => typeof v === 'string' && v.includes('{to}'))) out.push({ path: `${base}.body.fields`, message: 'no field carries {to}' });
  if (!Object.values(c.body.fields).some((v) => typeof v === 'string' && v.includes('{text}'))) out.push({ path: `${base}.body.fields`, message: 'no field carries {text}' });
  return out;
}
