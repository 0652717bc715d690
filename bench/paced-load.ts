import { Agent, request } from 'node:http';
import type { LoadResult } from './load-http.ts';
import { percentile, round } from './stats.ts';

/**
 * An open-loop load at an even rate: request i is due at start + i/rate, whatever happened to the
 * ones before, and its latency counts from when it was due (no coordinated omission).
 *
 * Why not autocannon's `overallRate`: autocannon lets each connection send its per-second quota back
 * to back as soon as a second starts, then idle, so "50 req/s over 10 connections" is a burst of 50
 * requests 10 at a time once a second; its p99 measures the queue inside that burst.
 */
export interface PacedSpec {
  url: string;
  body: string;
  headers?: Record<string, string>;
  rate: number;
  durationSec: number;
  /** Most requests in flight (sockets); more overlapping requests than this wait for a socket. */
  maxSockets: number;
}

export async function runPaced(spec: PacedSpec): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.maxSockets });
  const u = new URL(spec.url);
  const body = Buffer.from(spec.body);
  const headers = { 'content-type': 'application/json', 'content-length': String(body.length), ...spec.headers };
  const total = Math.round(spec.rate * spec.durationSec);
  const interval = 1000 / spec.rate;
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  const perSecond: number[] = [];
  let errors = 0;
  let timeouts = 0;

  const one = (due: number) =>
    new Promise<void>((resolve) => {
      const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers, agent, timeout: 10_000 }, (res) => {
        res.resume();
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          statusCodes[code] = (statusCodes[code] ?? 0) + 1;
          if (code >= 200 && code < 300) latencies.push(performance.now() - due);
          const sec = Math.floor((performance.now() - start) / 1000);
          perSecond[sec] = (perSecond[sec] ?? 0) + 1;
          resolve();
        });
      });
      req.on('timeout', () => {
        timeouts++;
        req.destroy(new Error('timeout'));
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });

  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(one(due));
  }
  await Promise.all(pending);
  const durationSec = (performance.now() - start) / 1000;
  agent.destroy();

  const total2xx = latencies.length;
  const non2xx = Object.entries(statusCodes).reduce((a, [code, n]) => a + (Number(code) >= 200 && Number(code) < 300 ? 0 : n), 0);
  return {
    rps2xx: round(total2xx / durationSec, 1),
    total2xx,
    non2xx,
    errors,
    timeouts,
    statusCodes,
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    max: round(percentile(latencies, 100)),
    autocannonP99: null,
    perSecond: Array.from(perSecond, (n) => n ?? 0),
    durationSec: round(durationSec, 2),
  };
}
