import { describe, expect, it } from 'vitest';
import { healthOf } from '../../src/devices-bridge/device-registry.ts';
import { exposition, Histogram } from '../../src/metrics/prometheus-text.ts';

describe('device health from a driver’s word', () => {
  it('reads printers, readers and linked devices', () => {
    expect(healthOf('printer', 'ok', '')).toEqual({ health: 'ok', printer: { paper: 'ok', coverOpen: false }, guideAlert: null });
    expect(healthOf('printer', 'ok', 'paper near end')).toMatchObject({ health: 'degraded', printer: { paper: 'low' }, guideAlert: { en: expect.stringContaining('running low') } });
    expect(healthOf('printer', 'paper-out', 'paper near end')).toMatchObject({ health: 'down', printer: { paper: 'out', coverOpen: false } });
    expect(healthOf('printer', 'cover-open', '')).toMatchObject({ health: 'down', printer: { coverOpen: true }, guideAlert: { zh: '号票打印机盖未合上，请合上机盖' } });
    expect(healthOf('printer', 'offline', 'ECONNREFUSED')).toMatchObject({ health: 'down', guideAlert: null });
    expect(healthOf('idcard', 'error', 'no answer')).toMatchObject({ health: 'degraded', guideAlert: { en: expect.stringContaining('stuck') } });
    expect(healthOf('idcard', 'no-sam', '')).toMatchObject({ health: 'down', guideAlert: null });
    expect(healthOf('led', 'up', '').health).toBe('ok');
    expect(healthOf('caller', 'down', 'lost').health).toBe('down');
    expect(healthOf('pad', 'opening', '').health).toBe('degraded');
  });
});

describe('the Prometheus text format', () => {
  it('escapes label values and help, and writes a cumulative histogram', () => {
    const h = new Histogram([0.01, 0.1]);
    for (const s of [0.005, 0.05, 0.5]) h.observe(s);
    const text = exposition([
      { name: 'x_waiting', help: 'line one\nline two \\ end', type: 'gauge', samples: [{ labels: { category: 'a"b\\c\nd' }, value: 3 }] },
      { name: 'x_seconds', help: 'h', type: 'histogram', samples: h.samples() },
      { name: 'x_total', help: 'c', type: 'counter', samples: [{ value: Infinity }] },
    ]);
    expect(text).toBe(
      [
        '# HELP x_waiting line one\\nline two \\\\ end',
        '# TYPE x_waiting gauge',
        'x_waiting{category="a\\"b\\\\c\\nd"} 3',
        '# HELP x_seconds h',
        '# TYPE x_seconds histogram',
        'x_seconds_bucket{le="0.01"} 1',
        'x_seconds_bucket{le="0.1"} 2',
        'x_seconds_bucket{le="+Inf"} 3',
        'x_seconds_sum 0.555',
        'x_seconds_count 3',
        '# HELP x_total c',
        '# TYPE x_total counter',
        'x_total +Inf',
        '',
      ].join('\n'),
    );
  });
});
