import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { ZonedAnnouncer } from '../announcer/zones.ts';
import { CLIPS, isPromptId, PROMPT_IDS, type PromptClipId } from '../announcer/vocabulary.ts';
import type { Principals } from '../auth/principals.ts';
import type { HallConfig } from '../config/schema.ts';
import { probeIssue } from '../domain/decide.ts';
import { ERRORS, HallqError } from '../domain/errors.ts';
import type { PrinterHost } from '../devices-bridge/printer-host.ts';
import type { CardReads } from '../personal/card-reads.ts';
import type { CommandHandler } from '../store/handle-command.ts';
import { errorBody } from './http-errors.ts';
import { requireOneOf } from './request-context.ts';
import { ErrorSchema } from './schemas.ts';

export interface KioskRouteDeps {
  handler: CommandHandler;
  config: HallConfig;
  cardReads: CardReads;
  printers: Map<string, PrinterHost>;
  principals: Principals;
  announcer: Pick<ZonedAnnouncer, 'promptWav'> | null;
}

/**
 * What a kiosk needs besides the hall view: its own settings and printer (before anyone takes a
 * number), the categories a card holder may take, and the spoken prompts.
 */
export const kioskRoutes: FastifyPluginAsyncTypebox<KioskRouteDeps> = async (app, { handler, config, cardReads, printers, principals, announcer }) => {
  /** The kiosk a request is from: its own token, or a guide at it naming it in `x-hallq-kiosk`. */
  const kioskOf = (request: FastifyRequest) => {
    const p = requireOneOf(request, { roles: ['guide', 'manager', 'admin'], devices: ['kiosk'] });
    if (p.kind === 'device') return p.device;
    const header = request.headers['x-hallq-kiosk'];
    const q = principals.resolve(Array.isArray(header) ? header[0] : header);
    return q?.kind === 'device' && q.device.kind === 'kiosk' ? q.device : null;
  };

  app.get('/kiosk', { schema: { tags: ['kiosk'], summary: "The kiosk's settings and its printer's state, for the home screen", response: { 200: Type.Any(), 401: ErrorSchema, 403: ErrorSchema } } }, async (request) => {
    const kiosk = kioskOf(request);
    const printer = kiosk ? printers.get(kiosk.id) : undefined;
    const prompts = Object.fromEntries(
      PROMPT_IDS.map((id) => [id, { text: CLIPS[id].hanzi, url: announcer?.promptWav(id) ? `/api/v1/voice/prompts/${id}.wav` : null }]),
    ) as Record<PromptClipId, { text: string; url: string | null }>;
    return {
      kioskId: kiosk?.id ?? null,
      voice: { enabled: kiosk?.voice !== false, prompts },
      printer: printer ? { state: printer.status.state, detail: printer.status.detail, at: printer.status.at } : null,
      // Past this estimated wait the kiosk suggests the quiet times (错峰, /public/quiet-times) with the number.
      quietHint: { aboveMin: config.reports.quietHintAboveMin },
    };
  });

  app.get(
    '/voice/prompts/:file',
    { schema: { tags: ['kiosk'], summary: 'The WAV of one kiosk prompt (recorded in config/voice, or generated)', params: Type.Object({ file: Type.String({ pattern: '^[a-z_]{1,32}\\.wav$' }) }) } },
    async (request, reply) => {
      const id = (request.params as { file: string }).file.slice(0, -4);
      const wav = isPromptId(id) ? (announcer?.promptWav(id) ?? null) : null;
      if (!wav) return reply.status(404).send(errorBody('HQ_ERR_NOT_FOUND', { reason: 'no such prompt' }));
      return reply.type('audio/wav').header('cache-control', 'no-cache').send(wav);
    },
  );

  app.post(
    '/tickets/eligibility',
    {
      schema: {
        tags: ['kiosk'],
        summary: 'After a card read: each category, whether this card may take a number there now, and if not why (the number it holds, where it stands)',
        body: Type.Object({ cardToken: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
        response: { 200: Type.Any(), 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 422: ErrorSchema },
      },
    },
    async (request) => {
      kioskOf(request);
      const holder = cardReads.resolve(request.body.cardToken);
      return handler.read((state, now) => ({
        categories: config.categories.map((c) => {
          const probe = probeIssue(state, config, now, c.id, holder);
          if (probe.ok) return { id: c.id, ok: true as const, ahead: probe.estimate.ahead, estimatedWaitMin: probe.estimate.minutes, openWindows: probe.estimate.openWindows ?? 0 };
          const text = ERRORS[probe.code];
          if (!text) throw new HallqError('HQ_ERR_INTERNAL');
          return { id: c.id, ok: false as const, code: probe.code, zh: text.zh, en: text.en, ...(probe.detail ? { detail: probe.detail } : {}) };
        }),
      }));
    },
  );
};
