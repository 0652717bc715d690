import type { ChartOption } from './echarts-setup.ts';

/** A chart on the page; ECharts arrives with the first one (a chunk no other screen loads). */
export interface ChartHandle {
  set(option: ChartOption): void;
  resize(): void;
  dispose(): void;
}

let loading: Promise<typeof import('./echarts-setup.ts')> | null = null;

export async function mountChart(el: HTMLElement): Promise<ChartHandle> {
  loading ??= import('./echarts-setup.ts');
  const { init } = await loading;
  const chart = init(el, undefined, { renderer: 'canvas' });
  const g = globalThis as { __hallqCharts?: number };
  g.__hallqCharts = (g.__hallqCharts ?? 0) + 1;
  return {
    set: (option) => chart.setOption(option, { notMerge: true }),
    resize: () => chart.resize(),
    dispose: () => chart.dispose(),
  };
}
