/**
 * The monitoring files under `infra/`, checked without a Prometheus or a Grafana (none runs here): the alert rules
 * have the shape of a Prometheus rules file, every expression (alerts and dashboard panels) parses with
 * Prometheus's own PromQL grammar (`@prometheus-io/lezer-promql`), and every metric an expression reads is one the
 * processes register (their `prom-client` registries, built as the API, the dispatchers and the workers build them),
 * so that a renamed metric cannot leave a silent alert or an empty panel behind. The scrape configuration matches the
 * compose file (services, ports, the token's secret, the rules file's mount), and each alert is documented.
 */
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- rules, dashboard and compose files are untyped YAML/JSON, walked by their documented shape */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { parser } from '@prometheus-io/lezer-promql';
import {
  createMetrics,
  loadConfig,
  registerApiMetrics,
  registerOperationsMetrics,
  type Metrics,
  type ProcessRole,
} from '@ntm/runtime';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
type Doc = Record<string, any>;

/**
 * The series names each process exposes, from its registry's definitions: what `createMetrics` declares for its
 * role, plus the scrape-time gauges the API and the dispatchers add (their callbacks are never called here).
 */
function exposedBy(role: ProcessRole): Set<string> {
  const metrics: Metrics = createMetrics(role);
  const never = () => Promise.reject(new Error('not scraped'));
  if (role !== 'worker')
    registerOperationsMetrics(metrics, {
      store: {} as never,
      sql: {} as never,
      schema: 'read_models',
      projectionLag: never,
      queues: [{ name: 'wake-0' } as never],
      otherQueues: [],
      now: () => new Date(),
    });
  if (role === 'api')
    registerApiMetrics(metrics, { auditLog: () => ({ ok: true }), calendar: () => never() as never });
  const names = new Set<string>();
  for (const metric of metrics.registry.getMetricsAsArray() as unknown as { name: string; type: string }[]) {
    names.add(metric.name);
    // A histogram (or summary) is read through its series.
    if (metric.type === 'histogram' || metric.type === 'summary')
      for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
  }
  return names;
}

const JOBS: Record<string, ProcessRole> = {
  'ntm-api': 'api',
  'ntm-dispatcher': 'dispatcher',
  'ntm-worker': 'worker',
};
const BY_JOB = new Map(Object.entries(JOBS).map(([job, role]) => [job, exposedBy(role)]));
const EXPOSED = new Set([...BY_JOB.values()].flatMap((names) => [...names]));
/** Series Prometheus itself makes for every target. */
const SYNTHETIC = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

interface Selector {
  metric: string;
  /** the job a `job="..."` matcher names, if any */
  job?: string;
}

/** Parses a PromQL expression; throws at a syntax error. Returns its vector selectors. */
function selectorsOf(expr: string): Selector[] {
  const tree = parser.parse(expr);
  const selectors: Selector[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError) throw new Error(`PromQL syntax error at ${node.from} in: ${expr}`);
      if (node.name !== 'VectorSelector') return;
      const text = expr.slice(node.from, node.to);
      const metric = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(text)?.[0];
      if (metric === undefined) throw new Error(`a selector without a metric name in: ${expr}`);
      const job = /job="([^"]+)"/.exec(text)?.[1];
      selectors.push(job === undefined ? { metric } : { metric, job });
    },
  });
  return selectors;
}

/** Fails unless every metric the expression reads is exposed (by the job it names, when it names one). */
function expectKnownMetrics(expr: string, where: string): void {
  for (const { metric, job } of selectorsOf(expr)) {
    if (SYNTHETIC.has(metric)) continue;
    const names = job === undefined ? EXPOSED : BY_JOB.get(job);
    expect(names, `${where}: no job ${job}`).toBeDefined();
    expect(names!.has(metric), `${where}: ${metric}${job ? ` (job ${job})` : ''} is not exposed`).toBe(true);
  }
}

const rules = parseYaml(read('infra/prometheus/alerts.yml')) as Doc;
const alerts = (rules.groups as Doc[]).flatMap((g) => g.rules as Doc[]);
const dashboard = JSON.parse(read('infra/grafana/ntm-dashboard.json')) as Doc;
const panelTargets = (dashboard.panels as Doc[]).flatMap((p) =>
  ((p.targets ?? []) as Doc[]).map((t) => ({ panel: p.title as string, expr: t.expr as string })),
);

describe('alert rules (infra/prometheus/alerts.yml)', () => {
  it('have the shape of a Prometheus rules file', () => {
    expect(Object.keys(rules)).toEqual(['groups']);
    const groupNames = (rules.groups as Doc[]).map((g) => g.name as string);
    expect(new Set(groupNames).size).toBe(groupNames.length);
    for (const group of rules.groups as Doc[]) {
      expect(Object.keys(group).sort()).toEqual(['name', 'rules']);
      expect((group.rules as Doc[]).length).toBeGreaterThan(0);
    }
    const allowed = ['alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'];
    for (const rule of alerts) {
      for (const key of Object.keys(rule)) expect(allowed, `${rule.alert}: ${key}`).toContain(key);
      expect(rule.alert).toMatch(/^[A-Za-z_][A-Za-z0-9_]*$/);
      expect(typeof rule.expr).toBe('string');
      if (rule.for !== undefined) expect(rule.for, rule.alert).toMatch(/^(\d+(ms|s|m|h|d|w|y))+$/);
      expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      for (const value of Object.values({ ...rule.labels, ...rule.annotations }))
        expect(typeof value, rule.alert).toBe('string');
    }
    const names = alerts.map((r) => r.alert as string);
    expect(new Set(names).size).toBe(names.length);
  });

  it('cover what an operator must hear about', () => {
    const watched = alerts.flatMap((r) => selectorsOf(r.expr as string).map((s) => s.metric));
    for (const metric of [
      'ntm_projection_lag_seconds',
      'ntm_projection_parked_streams',
      'ntm_audit_log_ok',
      'ntm_deadlines_overdue',
      'ntm_calendar_ok',
      'ntm_dispatcher_leader',
      'ntm_http_request_errors_total',
      'ntm_queue_stalled_jobs_total',
    ])
      expect(watched, metric).toContain(metric);
  });

  it.each(alerts.map((r) => [r.alert as string, r.expr as string]))(
    '%s reads only metrics the processes expose',
    (alert, expr) => expectKnownMetrics(expr, alert),
  );

  it('are each explained in docs/operations.md', () => {
    const docs = read('docs/operations.md');
    for (const rule of alerts) expect(docs, rule.alert).toContain(`\`${rule.alert}\``);
  });

  it('a wrong expression or an unknown metric is caught (the checks are not no-ops)', () => {
    expect(() => selectorsOf('sum(rate(ntm_http_requests_total[5m])')).toThrow(/syntax error/);
    expect(() => expectKnownMetrics('max(ntm_projection_lag_secs) > 1', 'probe')).toThrow(/not exposed/);
    // A worker does not serve the operator gauges: naming its job narrows the check to its registry.
    expect(() => expectKnownMetrics('max(ntm_projection_lag_seconds{job="ntm-worker"})', 'probe')).toThrow(
      /not exposed/,
    );
  });
});

describe('Grafana dashboard (infra/grafana/ntm-dashboard.json)', () => {
  it('is a dashboard with the panels an operator needs, on the provisioned data source', () => {
    expect(dashboard.uid).toBe('ntm-engine');
    expect(dashboard.templating.list[0]).toMatchObject({
      name: 'datasource',
      type: 'datasource',
      query: 'prometheus',
    });
    const read = panelTargets.flatMap((t) => selectorsOf(t.expr).map((s) => s.metric));
    for (const metric of [
      'ntm_http_requests_total',
      'ntm_http_request_errors_total',
      'ntm_http_request_duration_seconds_bucket',
      'ntm_event_store_append_duration_seconds_bucket',
      'ntm_event_store_append_conflicts_total',
      'ntm_read_model_lag_seconds',
      'ntm_read_model_checkpoint_age_seconds',
      'ntm_queue_jobs',
      'ntm_queue_stalled_jobs_total',
      'ntm_deadlines_overdue',
      'ntm_dispatcher_leader',
    ])
      expect(read, metric).toContain(metric);
    const ids = (dashboard.panels as Doc[]).map((p) => p.id as number);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(panelTargets.map((t) => [`${t.panel}: ${t.expr}`, t.expr]))(
    '%s reads exposed metrics',
    (where, expr) => expectKnownMetrics(expr, where),
  );
});

describe('scrape configuration (infra/prometheus/prometheus.yml) and the compose stack', () => {
  const config = parseYaml(read('infra/prometheus/prometheus.yml')) as Doc;
  const [compose] = parseAllDocuments(read('infra/compose.production.yml'), { merge: true }).map(
    (d) => d.toJSON() as Doc,
  );
  const services = compose!.services as Record<string, Doc>;
  /** A service's settings as its process reads them; values from the operator's .env (`${...}`) left unset. */
  const settingsOf = (service: string) =>
    loadConfig(
      Object.fromEntries(
        Object.entries(services[service]!.environment as Record<string, string>).filter(
          ([, value]) => !String(value).includes('${'),
        ),
      ),
    );

  it('scrapes each process of the compose stack on the port it serves /metrics on, with the metrics token', () => {
    const jobs = config.scrape_configs as Doc[];
    expect(jobs.map((j) => j.job_name).sort()).toEqual(Object.keys(JOBS).sort());
    const ports: Record<string, number> = {
      // the API's PORT and the dispatcher's METRICS_PORT as the processes read them from the compose environment
      api: settingsOf('api').PORT,
      dispatcher: settingsOf('dispatcher').METRICS_PORT,
      worker: settingsOf('worker').WORKER_METRICS_PORT!,
    };
    for (const job of jobs) {
      const [sd] = job.dns_sd_configs as Doc[];
      const [service] = sd!.names as string[];
      expect(Object.keys(services), job.job_name).toContain(service);
      expect(sd!.port, job.job_name).toBe(ports[service!]);
      // Reachable from another container, and guarded by the token Prometheus holds.
      expect(settingsOf(service!).METRICS_HOST).toBe('0.0.0.0');
      expect(job.authorization).toEqual({ type: 'Bearer', credentials_file: '/run/secrets/metrics_token' });
    }
    expect(compose!.secrets.metrics_token).toEqual({ environment: 'METRICS_TOKEN' });
    expect(services['prometheus']!.secrets).toContain('metrics_token');
  });

  it('loads the alert rules and the dashboard where the compose file mounts them', () => {
    const mounts = (name: string) =>
      Object.fromEntries(
        (services[name]!.volumes as string[]).map((v) => {
          const [source, target] = v.split(':');
          return [target!, source!];
        }),
      );
    const prometheus = mounts('prometheus');
    for (const file of config.rule_files as string[])
      expect(prometheus[file]).toBe('./prometheus/alerts.yml');
    expect(prometheus['/etc/prometheus/prometheus.yml']).toBe('./prometheus/prometheus.yml');
    const grafana = mounts('grafana');
    const provider = parseYaml(read('infra/grafana/provisioning/dashboards/ntm.yml')) as Doc;
    const folder = provider.providers[0].options.path as string;
    expect(grafana[`${folder}/ntm-dashboard.json`]).toBe('./grafana/ntm-dashboard.json');
    const sources = parseYaml(read('infra/grafana/provisioning/datasources/prometheus.yml')) as Doc;
    expect(sources.datasources[0].url).toBe('http://prometheus:9090');
  });
});
