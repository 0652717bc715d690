import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Principals } from '../auth/principals.ts';
import { verifyPassword } from '../auth/passwords.ts';
import { HallqError } from '../domain/errors.ts';
import type { Clock } from '../store/handle-command.ts';
import { ErrorSchema } from './schemas.ts';
import { requirePrincipal, SESSION_COOKIE, tokenOf } from './request-context.ts';

// A hash of a random password: unknown job numbers cost the same scrypt as known ones.
const DUMMY_HASH = 'scrypt$qn4kBNvZkdwl40Bkb3Am/A==$vo4CAWZwfSwzSURZHXeL+sKJnaySB5r8mqFpPl/N7Xk=';
const MAX_FAILURES = 5;
const LOCK_MS = 5 * 60_000;

export const authRoutes: FastifyPluginAsyncTypebox<{ principals: Principals; clock: Clock }> = async (app, { principals, clock }) => {
  const failures = new Map<string, { count: number; until: number }>();

  app.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Staff login (工作人员登录)',
        body: Type.Object(
          { jobNo: Type.String({ minLength: 1, maxLength: 32 }), password: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Any(), 400: ErrorSchema, 401: ErrorSchema, 429: ErrorSchema },
      },
    },
    async (request, reply) => {
      const { jobNo, password } = request.body;
      const f = failures.get(jobNo);
      if (f && f.count >= MAX_FAILURES && f.until > clock.now()) {
        return reply.status(429).send({
          error: { code: 'HQ_ERR_AUTH_FAILED', message: '登录失败次数过多,请5分钟后再试 / Too many failed logins; try again in 5 minutes', zh: '登录失败次数过多,请5分钟后再试', en: 'Too many failed logins; try again in 5 minutes' },
        });
      }
      // The attempt counts before the (slow) check, so parallel guesses cannot slip past the limit.
      if (failures.size > 10_000) for (const [k, v] of failures) if (v.until <= clock.now()) failures.delete(k);
      failures.set(jobNo, { count: (f && f.until > clock.now() ? f.count : 0) + 1, until: clock.now() + LOCK_MS });
      const staff = principals.staffById(jobNo);
      const ok = await verifyPassword(password, staff?.passwordHash ?? DUMMY_HASH);
      if (!staff || !ok) throw new HallqError('HQ_ERR_AUTH_FAILED');
      failures.delete(jobNo);
      const session = principals.createSession(staff.id);
      reply.setCookie(SESSION_COOKIE, session.token, { httpOnly: true, sameSite: 'strict', path: '/', expires: new Date(session.expiresAt) });
      return {
        token: session.token,
        expiresAt: session.expiresAt,
        staff: { id: staff.id, name: staff.name, role: staff.role, windows: principals.windowsOf(staff.id) },
      };
    },
  );

  app.post('/auth/logout', { schema: { tags: ['auth'], summary: 'End the staff session' } }, async (request, reply) => {
    const token = tokenOf(request);
    if (token) principals.endSession(token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.get('/auth/me', { schema: { tags: ['auth'], summary: 'Who the token belongs to' } }, async (request) => {
    const p = requirePrincipal(request);
    return p.kind === 'staff'
      ? { kind: 'staff', staff: { id: p.staff.id, name: p.staff.name, role: p.staff.role, windows: p.windows } }
      : { kind: 'device', device: { id: p.device.id, kind: p.device.kind, windowId: p.device.windowId ?? null } };
  });
};
