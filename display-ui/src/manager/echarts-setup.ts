import { BarChart, HeatmapChart, LineChart, type BarSeriesOption, type HeatmapSeriesOption, type LineSeriesOption } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, type GridComponentOption, type LegendComponentOption, type TooltipComponentOption } from 'echarts/components';
import { init, use, type ComposeOption } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

/**
 * The part of ECharts the dashboard uses, and nothing else: three chart types, three components,
 * the canvas renderer (the heatmap colours its cells itself: visualMap alone is 100 KB of source). The dashboard imports this module lazily (`import('./echarts-setup.ts')`), so
 * ECharts is a chunk of its own that no other screen loads.
 */
use([LineChart, BarChart, HeatmapChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<LineSeriesOption | BarSeriesOption | HeatmapSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption>;

export { init };
