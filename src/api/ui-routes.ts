import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { faviconIco } from './favicon.ts';
import { errorBody } from './http-errors.ts';

/**
 * Serves the built UIs: the kiosk at /kiosk/, the displays at /display/, the ticket status page
 * at /t/<ticketId> (the QR on every ticket), and the quiet times for phones at /quiet. `npm start`
 * and `npm test` build them first (`npm run build:ui`); without a build the pages say how to make one.
 */
export async function uiRoutes(app: FastifyInstance, opts: { distDir: string }): Promise<void> {
  const apps = [
    { prefix: '/kiosk/', dir: join(opts.distDir, 'kiosk') },
    { prefix: '/display/', dir: join(opts.distDir, 'display') },
  ];
  let decorated = false;
  for (const a of apps) {
    if (!existsSync(join(a.dir, 'index.html'))) {
      app.get(`${a.prefix}*`, async (_req, reply) =>
        reply.status(503).type('text/plain; charset=utf-8').send(`界面尚未构建 / UI not built: run \`npm run build:ui\` (expected ${a.dir})\n`),
      );
      continue;
    }
    await app.register(fastifyStatic, {
      root: a.dir,
      prefix: a.prefix,
      decorateReply: !decorated,
      index: ['index.html'],
      cacheControl: false,
      // Pages are always revalidated, so a kiosk picks up a new build; hashed assets never change.
      setHeaders: (reply, path) => void reply.header('cache-control', path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable'),
    });
    decorated = true;
  }
  const ticketPage = join(opts.distDir, 'display', 'ticket.html');
  app.get('/t/:ticketId', { schema: { hide: true } }, async (_req, reply) => {
    if (!existsSync(ticketPage)) return reply.status(503).send(errorBody('HQ_ERR_NOT_FOUND', { reason: 'display-ui not built; run npm run build:ui' }));
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(readFileSync(ticketPage));
  });
  // The off-peak advice (错峰办事) for residents' phones: a short address to print and to put in a QR.
  const quietPage = join(opts.distDir, 'display', 'quiet.html');
  app.get('/quiet', { schema: { hide: true } }, async (_req, reply) => {
    if (!existsSync(quietPage)) return reply.status(503).send(errorBody('HQ_ERR_NOT_FOUND', { reason: 'display-ui not built; run npm run build:ui' }));
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(readFileSync(quietPage));
  });
  // Booking (预约) for residents' phones: a short address for posters, the ticket and the SMS.
  const bookPage = join(opts.distDir, 'display', 'book.html');
  app.get('/book', { schema: { hide: true } }, async (_req, reply) => {
    if (!existsSync(bookPage)) return reply.status(503).send(errorBody('HQ_ERR_NOT_FOUND', { reason: 'display-ui not built; run npm run build:ui' }));
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(readFileSync(bookPage));
  });
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/display/'));
  const icon = faviconIco();
  app.get('/favicon.ico', { schema: { hide: true } }, async (_req, reply) => reply.type('image/x-icon').header('cache-control', 'public, max-age=86400').send(icon));
}
