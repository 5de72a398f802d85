/**
 * Reads a process's `/metrics` over HTTP and parses the Prometheus text with a real parser
 * (`parse-prometheus-text-format`), so that a test asserts what a Prometheus server would read, not substrings.
 */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

/** One metric family as parsed (prom2json's shape: values are strings). */
export interface MetricFamily {
  name: string;
  help: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  metrics: { labels?: Record<string, string>; value?: string }[];
}

const parse = (text: string): MetricFamily[] => parsePrometheusTextFormat(text);

export interface Scrape {
  families: Map<string, MetricFamily>;
  /** the sample of a counter or gauge whose labels include `labels`, summed over the matching series; undefined if none */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** a histogram's observation count, summed over the series whose labels include `labels` */
  count(name: string, labels?: Record<string, string>): number;
  /** the label values each series of `name` has for `label` */
  labelValues(name: string, label: string): string[];
}

const matches = (have: Record<string, string> | undefined, want: Record<string, string>) =>
  Object.entries(want).every(([k, v]) => have?.[k] === v);

export function parseMetrics(text: string): Scrape {
  const families = new Map(parse(text).map((f) => [f.name, f]));
  // The parser folds a histogram's labelled series into one (it keeps the buckets of the last only): parsed again
  // with histograms declared untyped, each `_bucket`, `_sum` and `_count` line is a sample of its own.
  const flat = new Map<string, MetricFamily>();
  for (const f of parsePrometheusTextFormat(
    text.replace(/^# TYPE (\S+) histogram$/gm, '# TYPE $1 untyped'),
  )) {
    // A series' lines come together (`_bucket`…, `_sum`, `_count`), so a name recurs once per series: merged.
    const seen = flat.get(f.name);
    if (seen) seen.metrics.push(...f.metrics);
    else flat.set(f.name, f);
  }
  const samples = (name: string, labels: Record<string, string>, from = families) =>
    (from.get(name)?.metrics ?? []).filter((m) => matches(m.labels, labels));
  return {
    families,
    value(name, labels = {}) {
      const found = samples(name, labels);
      return found.length === 0 ? undefined : found.reduce((sum, m) => sum + Number(m.value), 0);
    },
    count(name, labels = {}) {
      if (families.get(name)?.type !== 'HISTOGRAM') throw new Error(`${name} is not a histogram`);
      return samples(`${name}_count`, labels, flat).reduce((sum, m) => sum + Number(m.value), 0);
    },
    labelValues(name, label) {
      return (families.get(name)?.metrics ?? []).flatMap((m) =>
        m.labels?.[label] === undefined ? [] : [m.labels[label]],
      );
    },
  };
}

/** GET `<baseUrl>/metrics` with the bearer token; throws unless 200. */
export async function scrapeMetrics(baseUrl: string, token: string): Promise<Scrape> {
  const response = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}: ${text.slice(0, 200)}`);
  return parseMetrics(text);
}
