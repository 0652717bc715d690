import type { ChartOption } from './echarts-setup.ts';
import { heatColour, type Heatmap, type StaffingView, type TodayCurve } from './dashboard-model.ts';

/**
 * The dashboard's charts as ECharts options, built from the model's views. Chinese labels first
 * (the English is in the panel headings); colours that keep their meaning in grey print as well
 * (solid today, dashed usual; red shortfall).
 */

const FONT = "'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif";
const AXIS_TEXT = { color: '#33404d', fontFamily: FONT, fontSize: 12 };
const base = { textStyle: { fontFamily: FONT }, animation: false } as const;

export function todayCurveOption(c: TodayCurve, usualName: string): ChartOption {
  return {
    ...base,
    grid: { left: 40, right: 16, top: 36, bottom: 28 },
    legend: { top: 4, left: 'center', textStyle: AXIS_TEXT, data: ['今日取号', usualName] },
    tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined || v === '-' ? '—' : `${v} 人`) },
    xAxis: { type: 'category', data: c.labels, axisLabel: { ...AXIS_TEXT, interval: 'auto' }, boundaryGap: true },
    yAxis: { type: 'value', name: '人次/半小时', nameTextStyle: AXIS_TEXT, axisLabel: AXIS_TEXT, minInterval: 1 },
    series: [
      { name: '今日取号', type: 'bar', data: c.today, itemStyle: { color: '#0b4f9c' }, barMaxWidth: 18 },
      { name: usualName, type: 'line', data: c.typical, connectNulls: true, symbol: 'none', lineStyle: { color: '#8a4b00', type: 'dashed', width: 2 }, itemStyle: { color: '#8a4b00' } },
    ],
  };
}

export function heatmapOption(h: Heatmap): ChartOption {
  return {
    ...base,
    grid: { left: 56, right: 12, top: 8, bottom: 28 },
    tooltip: {
      position: 'top',
      formatter: (p) => {
        const v = (p as unknown as { value: [number, number, number] }).value;
        return `${h.rows[v[1]]} ${h.cols[v[0]]}：约 ${v[2]} 人`;
      },
    },
    xAxis: { type: 'category', data: h.cols, splitArea: { show: true }, axisLabel: { ...AXIS_TEXT, interval: 1 } },
    yAxis: { type: 'category', data: h.rows, splitArea: { show: true }, axisLabel: AXIS_TEXT, inverse: true },
    series: [
      {
        name: '预计人次',
        type: 'heatmap',
        data: h.cells.map((c) => ({ value: c, itemStyle: { color: heatColour(c[2], h.max), borderColor: '#fff', borderWidth: 1 } })),
        label: { show: true, fontSize: 10, color: '#16202b', formatter: (p) => String(Math.round((p.value as number[])[2]!)) },
      },
    ],
  };
}

export function staffingOption(s: StaffingView, comparedName: string): ChartOption {
  return {
    ...base,
    grid: { left: 36, right: 12, top: 36, bottom: 28 },
    legend: { top: 4, left: 'center', textStyle: AXIS_TEXT, data: ['建议人数', comparedName, '缺口'] },
    tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined || v === '-' ? '—' : `${v} 人`) },
    xAxis: { type: 'category', data: s.labels, axisLabel: AXIS_TEXT },
    yAxis: { type: 'value', minInterval: 1, axisLabel: AXIS_TEXT, name: '人', nameTextStyle: AXIS_TEXT },
    series: [
      { name: '建议人数', type: 'bar', data: s.recommended, itemStyle: { color: '#0b4f9c' }, barMaxWidth: 14 },
      { name: comparedName, type: 'bar', data: s.compared, itemStyle: { color: '#9aa8b6' }, barMaxWidth: 14 },
      { name: '缺口', type: 'bar', data: s.shortfall, itemStyle: { color: '#b3261e' }, barMaxWidth: 14, label: { show: true, position: 'top', color: '#a3221a', formatter: (p) => `-${p.value}` } },
    ],
  };
}
