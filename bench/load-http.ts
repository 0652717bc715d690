import autocannon, { type Options, type Result } from 'autocannon';
import { percentile, round } from './stats.ts';

/** One autocannon run against POST <url>, summarised. Latencies in ms. */
export interface LoadResult {
  /** 2xx responses per second over the whole run. */
  rps2xx: number;
  total2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Exact percentiles of the 2xx response times (autocannon's own histogram has 1 ms steps). */
  p50: number;
  p99: number;
  max: number;
  /** autocannon's p99 (1 ms steps); with overallRate it is corrected for coordinated omission. null when not autocannon. */
  autocannonP99: number | null;
  /** Responses completed in each second of the run, to see a trend (say, slowing as the queue grows). */
  perSecond: number[];
  durationSec: number;
}

export interface LoadSpec {
  url: string;
  body: string;
  headers?: Record<string, string>;
  connections: number;
  durationSec: number;
  overallRate?: number;
}

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const opts: Options = {
    url: spec.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...spec.headers },
    body: spec.body,
    connections: spec.connections,
    duration: spec.durationSec,
    timeout: 10,
    ...(spec.overallRate !== undefined ? { overallRate: spec.overallRate } : {}),
  };
  const times: number[] = [];
  const perSecond: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(opts, (err: Error | null, r: Result) => {
      if (err) return reject(err);
      const statusCodes = Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, Number(s.count)]));
      const total2xx = r['2xx'];
      resolve({
        rps2xx: round(total2xx / r.duration, 1),
        total2xx,
        non2xx: r.non2xx,
        errors: r.errors,
        timeouts: r.timeouts,
        statusCodes,
        p50: round(percentile(times, 50)),
        p99: round(percentile(times, 99)),
        max: round(percentile(times, 100)),
        autocannonP99: r.latency.p99,
        perSecond,
        durationSec: r.duration,
      });
    });
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
    });
    instance.on('tick', (t: { counter: number }) => {
      if (t.counter > 0) perSecond.push(t.counter);
    });
  });
}
