/**
 * The Prometheus text exposition format (version 0.0.4), written by hand: a few gauges, counters and
 * one histogram need no library. Label values are escaped as the format says (\\, ", newline).
 */
export type Labels = Record<string, string | number>;

export interface Sample {
  labels?: Labels;
  value: number;
}

export interface Family {
  name: string;
  help: string;
  type: 'gauge' | 'counter' | 'histogram';
  samples: Sample[];
}

const escapeLabel = (v: string) => v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
const escapeHelp = (v: string) => v.replaceAll('\\', '\\\\').replaceAll('\n', '\\n');

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function formatLabels(labels: Labels | undefined): string {
  if (!labels) return '';
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(String(v))}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

export function exposition(families: readonly Family[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      // A histogram's samples carry their own suffix (_bucket, _sum, _count) in the `__suffix` label.
      const { __suffix, ...rest } = (s.labels ?? {}) as Labels & { __suffix?: string };
      lines.push(`${f.name}${__suffix ?? ''}${formatLabels(rest)} ${formatValue(s.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A cumulative histogram of observations in seconds. */
export class Histogram {
  readonly #counts: number[];
  #sum = 0;
  #count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.#counts = bounds.map(() => 0);
  }

  observe(seconds: number): void {
    this.#sum += seconds;
    this.#count++;
    for (let i = 0; i < this.bounds.length; i++) if (seconds <= this.bounds[i]!) this.#counts[i]!++;
  }

  samples(): Sample[] {
    return [
      ...this.bounds.map((le, i) => ({ labels: { __suffix: '_bucket', le: String(le) }, value: this.#counts[i]! })),
      { labels: { __suffix: '_bucket', le: '+Inf' }, value: this.#count },
      { labels: { __suffix: '_sum' }, value: this.#sum },
      { labels: { __suffix: '_count' }, value: this.#count },
    ];
  }
}
