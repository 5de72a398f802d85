/**
 * Charts as SVG rendered on the server by Apache ECharts (its server-side renderer): the page carries the drawing,
 * never the library, so a dashboard costs the phone no script. ECharts is loaded on the first chart only: the
 * other screens never pay for it. Each chart is an image with its title as its accessible name; the figures are
 * in a table beside it.
 */
import type { Lang } from './i18n.js';
import { raw, type Html } from './html.js';
import type * as EChartsModule from 'echarts';

export interface Series {
  name: string;
  data: number[];
}

export interface ChartSpec {
  title: string;
  categories: string[];
  series: Series[];
  lang: Lang;
}

/** The GOV.UK palette's blue, orange, green and purple: distinct in grey and for the common colour blindnesses. */
const COLOURS = ['#1d70b8', '#f47738', '#00703c', '#4c2c92'];
const WIDTH = 640;

type ECharts = typeof EChartsModule;
let echarts: Promise<ECharts> | undefined;

async function render(title: string, height: number, option: Record<string, unknown>): Promise<Html> {
  echarts ??= import('echarts');
  const chart = (await echarts).init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height });
  chart.setOption({
    animation: false,
    color: COLOURS,
    textStyle: { fontFamily: 'system-ui, sans-serif', fontSize: 13 },
    legend: { top: 0 },
    ...option,
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  // Scales to the screen (360 px phones) and is named for screen readers.
  const accessible = forStrictCsp(svg).replace(
    /^<svg width="\d+" height="\d+"/,
    `<svg role="img" aria-label="${escapeAttribute(title)}" class="chart-svg" preserveAspectRatio="xMinYMin meet"`,
  );
  return raw(accessible);
}

const number = (lang: Lang) => new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB');

/** Bars per category, one colour per series; horizontal for long category names (steps, measures). */
export async function barChart(spec: ChartSpec & { horizontal?: boolean }): Promise<Html> {
  const value = {
    type: 'value',
    minInterval: 1,
    axisLabel: { formatter: (v: number) => number(spec.lang).format(v) },
  };
  const category = { type: 'category', data: spec.categories, axisLabel: { width: 170, overflow: 'break' } };
  const rows = spec.categories.length * Math.max(1, spec.series.length);
  const height = spec.horizontal ? Math.max(160, 60 + rows * 22) : 280;
  return render(spec.title, height, {
    grid: { left: spec.horizontal ? 180 : 50, right: 30, top: 40, bottom: 30 },
    xAxis: spec.horizontal ? value : category,
    yAxis: spec.horizontal ? { ...category, inverse: true } : value,
    series: spec.series.map((s) => ({
      type: 'bar',
      name: s.name,
      data: s.data,
      label: { show: true, position: spec.horizontal ? 'right' : 'top' },
    })),
  });
}

/** Lines over the categories (years). */
export async function lineChart(spec: ChartSpec): Promise<Html> {
  return render(spec.title, 280, {
    grid: { left: 50, right: 30, top: 60, bottom: 30 },
    xAxis: { type: 'category', data: spec.categories },
    yAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { formatter: (v: number) => number(spec.lang).format(v) },
    },
    series: spec.series.map((s) => ({ type: 'line', name: s.name, data: s.data, symbolSize: 6 })),
  });
}

/**
 * The pages' Content-Security-Policy allows no inline style: ECharts' `style="font-size:12px;…"` become the same
 * SVG presentation attributes, and its `<style>` (hover effects, which a static picture has no use for) goes.
 */
function forStrictCsp(svg: string): string {
  return svg
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/ style="([^"]*)"/g, (_all, declarations: string) =>
      declarations
        .split(';')
        .map((d) => d.split(':').map((x) => x.trim()))
        .filter(([name, value]) => name && value && /^[a-z-]+$/.test(name))
        .map(([name, value]) => ` ${name}="${value!.replaceAll('"', "'")}"`)
        .join(''),
    );
}

function escapeAttribute(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
}
