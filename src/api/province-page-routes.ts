import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HallqError } from '../domain/errors.ts';
import { PROVINCE_PAGE_ACTOR } from '../domain/ratings.ts';
import { newFollowupId, newRatingId } from '../ids.ts';
import type { CommandHandler } from '../store/handle-command.ts';
import type { AnhuiPageAdapter } from '../upstream/anhui-page-adapter.ts';
import type { UpstreamCodes } from '../upstream/config.ts';
import { signatureMatches } from '../upstream/http-post.ts';
import { requireOneOf } from './request-context.ts';
import { ErrorSchema } from './schemas.ts';

export interface ProvincePageDeps {
  handler: CommandHandler;
  /** Null where the hall's province takes ratings some other way. */
  page: { adapter: AnhuiPageAdapter; codes: UpstreamCodes; secret: string } | null;
}

const ACTOR = { kind: 'system', id: PROVINCE_PAGE_ACTOR } as const;

/**
 * The province's own rating page (anhui-page): the pad asks for the page of its pending service,
 * and the province reports the rating it recorded there. The report is signed like our uploads
 * (`X-Signature`: HMAC-SHA256 of the body bytes with the shared secret) and answered in the
 * province's own form, `{"status":{"code":"200"},"custom":{"code":"1"|"0","text":…}}`.
 */
export const provincePageRoutes: FastifyPluginAsyncTypebox<ProvincePageDeps> = async (app, { handler, page }) => {
  // Indicator codes back to the hall's reasons: the same table the uploads use, read the other way (built once: the config is fixed).
  const byCode = new Map(Object.entries(page?.codes.reasons ?? {}).map(([reason, code]) => [code, reason]));
  app.get(
    '/ratings/:serviceId/province-page',
    {
      schema: {
        tags: ['ratings'],
        summary: "The province's rating page for a service (its pad shows it, and its QR): the case in the URL, never the applicant",
        params: Type.Object({ serviceId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ url: Type.String() }), 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const p = requireOneOf(request, { roles: ['manager', 'admin'], devices: ['pad'] });
      if (!page) throw new HallqError('HQ_ERR_NOT_FOUND', { reason: 'this hall rates on its own pads' });
      const r = await handler.read((state) => state.ratings.get(request.params.serviceId) ?? null);
      if (!r || r.status !== 'requested') throw new HallqError('HQ_ERR_RATING_NOT_REQUESTED', { windowId: p.kind === 'device' ? (p.device.windowId ?? null) : null });
      if (p.kind === 'device' && p.device.windowId !== r.windowId) throw new HallqError('HQ_ERR_NOT_YOUR_PAD', { windowId: r.windowId });
      return { url: page.adapter.pageUrl(r) };
    },
  );

  await app.register(async (scope) => {
    // The signature covers the exact bytes: keep them beside the parsed body.
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 16 * 1024 }, (request, body, done) => {
      (request as { rawBody?: string }).rawBody = body as string;
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(null, null);
      }
    });
    scope.post('/upstream/page-results', { schema: { tags: ['upstream'], summary: "The province reports a rating made on its page (signed); recorded as the service's rating, channel page" } }, async (request, reply) => {
      const answer = (ok: boolean, text: string, status = 200) => reply.status(status).send({ status: { code: '200' }, custom: { code: ok ? '1' : '0', text } });
      if (!page) return answer(false, 'this hall does not take page results', 404);
      if (!signatureMatches(page.secret, (request as { rawBody?: string }).rawBody ?? '', request.headers['x-signature'])) return answer(false, 'bad signature', 401);
      const b = request.body as { serviceNumber?: unknown; satisfaction?: unknown; evalDetail?: unknown; writingEvaluation?: unknown } | null;
      // A string or a number, as the province writes it: Number(true) would be the worst level.
      const level = typeof b?.satisfaction === 'string' || typeof b?.satisfaction === 'number' ? Number(b.satisfaction) : Number.NaN;
      if (!b || typeof b.serviceNumber !== 'string' || !Number.isInteger(level) || level < 1 || level > 5) return answer(false, 'serviceNumber and satisfaction (1-5) are required', 400);
      const codes = typeof b.evalDetail === 'string' && b.evalDetail ? b.evalDetail.split(',') : [];
      const unknown = codes.find((c) => !byCode.has(c));
      if (unknown !== undefined) return answer(false, `unknown evalDetail code ${unknown}`, 422);
      try {
        await handler.submit(
          {
            type: 'RateService',
            data: {
              ratingId: newRatingId(),
              followupId: newFollowupId(),
              serviceId: b.serviceNumber,
              level,
              reasons: codes.map((c) => byCode.get(c)!),
              ...(typeof b.writingEvaluation === 'string' && b.writingEvaluation ? { comment: b.writingEvaluation.slice(0, 200) } : {}),
              channel: 'page',
            },
          },
          ACTOR,
        );
      } catch (err) {
        // A report sent twice is the record we have: the province may repeat it until it hears us.
        if (err instanceof HallqError && err.code === 'HQ_ERR_ALREADY_RATED') return answer(true, '已存在 / already recorded');
        if (err instanceof HallqError) return answer(false, `${err.code}: ${err.message}`, 409);
        throw err;
      }
      return answer(true, 'ok');
    });
  });
};
