import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Principals } from '../auth/principals.ts';
import { verifyPassword } from '../auth/passwords.ts';
import { LoginGuard } from '../auth/login-guard.ts';
import { HallqError } from '../domain/errors.ts';
import type { Clock } from '../store/handle-command.ts';
import { ErrorSchema } from './schemas.ts';
import { requirePrincipal, SESSION_COOKIE, tokenOf } from './request-context.ts';

// A hash of a random password: unknown job numbers cost the same scrypt as known ones.
const DUMMY_HASH = 'scrypt$qn4kBNvZkdwl40Bkb3Am/A==$vo4CAWZwfSwzSURZHXeL+sKJnaySB5r8mqFpPl/N7Xk=';

export const authRoutes: FastifyPluginAsyncTypebox<{ principals: Principals; clock: Clock }> = async (app, { principals, clock }) => {
  const guard = new LoginGuard(() => clock.now());

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
        response: {
          200: Type.Object({
            token: Type.String(),
            expiresAt: Type.Number(),
            staff: Type.Object({
              id: Type.String(),
              name: Type.String(),
              role: Type.String(),
              windows: Type.Array(Type.Object({ id: Type.Integer(), role: Type.Union([Type.Literal('A'), Type.Literal('B')]) })),
            }),
          }),
          400: ErrorSchema,
          401: ErrorSchema,
          429: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const { jobNo, password } = request.body;
      // Settled before the (slow) password check, so a flood never reaches scrypt.
      const release = await guard.enter(request.ip, jobNo);
      let ok = false;
      const staff = principals.staffById(jobNo);
      try {
        // crypto.scrypt runs on libuv's thread pool, not the event loop; the guard keeps one client from filling that pool.
        ok = await verifyPassword(password, staff?.passwordHash ?? DUMMY_HASH);
      } finally {
        release(ok && !!staff);
      }
      if (!staff || !ok) throw new HallqError('HQ_ERR_AUTH_FAILED');
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
