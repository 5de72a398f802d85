/**
 * The deployment files under `infra/`, checked without a cluster (none runs here): every Kubernetes object against
 * the API's JSON schemas (`kubernetes-models`), the kustomizations' references, the wiring between objects
 * (selectors, probes, autoscaler target, config keys the processes understand, entry points that exist), and the
 * production compose file's references.
 */
/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- manifests are untyped YAML, walked by their documented shape */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Namespace, ConfigMap, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { createMetrics, loadConfig, registerOperationsMetrics } from '@ntm/runtime';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const K8S = join(ROOT, 'infra/k8s');

type Doc = Record<string, any>;
type Model = new (doc: Doc) => { validate(): void };
const model = (constructor: unknown) => constructor as Model;
const MODELS: Record<string, Model> = {
  'v1/Namespace': model(Namespace),
  'v1/ConfigMap': model(ConfigMap),
  'v1/Service': model(Service),
  'apps/v1/Deployment': model(Deployment),
  'policy/v1/PodDisruptionBudget': model(PodDisruptionBudget),
  'autoscaling/v2/HorizontalPodAutoscaler': model(HorizontalPodAutoscaler),
};
/** What the Secret `ntm-secrets` holds (created out of band); stand-ins here. */
const SECRETS = {
  DATABASE_URL: 'postgres://ntm:secret@postgres:5432/ntm',
  SIGNER_REMOTE_TOKEN: 'stand-in',
};

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? yamlFiles(path) : name.endsWith('.yaml') ? [path] : [];
  });
}
const docsOf = (file: string): Doc[] =>
  parseAllDocuments(readFileSync(file, 'utf8')).map((d) => {
    expect(d.errors, file).toEqual([]);
    return d.toJSON() as Doc;
  });

const files = yamlFiles(K8S);
const objects = files
  .filter((f) => !f.endsWith('kustomization.yaml'))
  .flatMap((file) => docsOf(file).map((doc) => ({ file: relative(ROOT, file), doc })));
const byKind = (kind: string) => objects.filter((o) => o.doc.kind === kind).map((o) => o.doc);
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('Kubernetes manifests (infra/k8s)', () => {
  it.each(objects.map((o) => [`${o.file}: ${o.doc.kind} ${o.doc.metadata?.name}`, o.doc] as const))(
    '%s is valid against the API schema',
    (_, doc) => {
      const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
      expect(Model, `no schema model for ${doc.apiVersion} ${doc.kind}`).toBeDefined();
      expect(() => new Model!(doc).validate()).not.toThrow();
    },
  );

  it('a broken manifest is caught (the validator is not a no-op)', () => {
    const deployment = structuredClone(byKind('Deployment')[0]!);
    deployment.spec.replicas = 'three';
    expect(() => new Deployment(deployment).validate()).toThrow();
  });

  it('every kustomization lists files that exist; overlays name objects of the base', () => {
    for (const file of files.filter((f) => f.endsWith('kustomization.yaml'))) {
      const [k] = docsOf(file);
      for (const resource of k!.resources as string[]) {
        const path = resolve(dirname(file), resource);
        expect(existsSync(path), `${relative(ROOT, file)} → ${resource}`).toBe(true);
      }
      const deployments = byKind('Deployment').map((d) => d.metadata.name as string);
      for (const { name } of (k!.replicas ?? []) as { name: string }[]) expect(deployments).toContain(name);
    }
  });

  it('selectors, services, budgets and the autoscaler point at deployments that exist', () => {
    const deployments = byKind('Deployment');
    for (const d of deployments)
      expect(matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
    const selects = (selector: Record<string, string>) =>
      deployments.some((d) => matches(selector, d.spec.template.metadata.labels));
    for (const s of byKind('Service')) expect(selects(s.spec.selector), s.metadata.name).toBe(true);
    for (const p of byKind('PodDisruptionBudget'))
      expect(selects(p.spec.selector.matchLabels), p.metadata.name).toBe(true);
    for (const h of byKind('HorizontalPodAutoscaler'))
      expect(deployments.map((d) => d.metadata.name)).toContain(h.spec.scaleTargetRef.name);
  });

  it('each container runs an entry point the build makes, with probes on routes the service serves', () => {
    for (const d of byKind('Deployment'))
      for (const c of d.spec.template.spec.containers as Doc[]) {
        const entry = (c.command as string[]).find((a) => a.endsWith('.js'))!;
        expect(existsSync(join(ROOT, entry.replace('/dist/', '/src/').replace(/\.js$/, '.ts'))), entry).toBe(
          true,
        );
        for (const probe of [c.readinessProbe, c.livenessProbe].filter(Boolean) as Doc[])
          if (probe.httpGet) expect(['/health', '/ready']).toContain(probe.httpGet.path);
      }
  });

  it('the shared settings are settings the processes understand, with values they accept', () => {
    const [config] = byKind('ConfigMap');
    const data = config!.data as Record<string, string>;
    const parsed = loadConfig({ ...data, ...SECRETS });
    for (const key of Object.keys(data)) expect(parsed, key).toHaveProperty(key);
  });

  it('the autoscaler scales on a metric the processes export', () => {
    // The operator gauges as the API and the dispatchers register them (nothing is read until a scrape).
    const metrics = createMetrics('dispatcher', { defaultMetrics: false });
    const never = () => Promise.reject(new Error('not scraped'));
    registerOperationsMetrics(metrics, {
      store: {} as never,
      sql: {} as never,
      schema: 'read_models',
      projectionLag: never,
      now: () => new Date(),
    });
    const names = metrics.registry.getMetricsAsArray().map((m) => m.name);
    for (const h of byKind('HorizontalPodAutoscaler'))
      for (const m of h.spec.metrics as Doc[]) expect(names).toContain(m.external.metric.name as string);
  });
});

describe('the production compose file (infra/compose.production.yml)', () => {
  const [compose] = parseAllDocuments(readFileSync(join(ROOT, 'infra/compose.production.yml'), 'utf8'), {
    merge: true,
  }).map((d) => d.toJSON() as Doc);
  const services = compose!.services as Record<string, Doc>;

  it('depends only on services it defines, and mounts files that exist', () => {
    for (const [name, s] of Object.entries(services)) {
      const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
      for (const dep of deps as string[]) expect(Object.keys(services), `${name} → ${dep}`).toContain(dep);
      for (const volume of (s.volumes ?? []) as string[]) {
        const source = volume.split(':')[0]!;
        if (source.startsWith('./'))
          expect(existsSync(join(ROOT, 'infra', source)), `${name}: ${source}`).toBe(true);
      }
    }
  });

  it('runs three KurrentDB nodes with TLS, the dispatcher pair, and the load balancer in front of the API', () => {
    const kurrent = Object.entries(services).filter(([, s]) =>
      String(s.image).startsWith('kurrentplatform/kurrentdb'),
    );
    expect(kurrent).toHaveLength(3);
    // Each node presents its own certificate, trusts the cluster's CA, and is not run insecure.
    for (const [name, s] of kurrent) {
      expect(s.environment.KURRENTDB_INSECURE, name).toBeUndefined();
      expect(s.environment.KURRENTDB_CERTIFICATE_FILE, name).toBe(`/certs/node${name.slice(-1)}/node.crt`);
      expect(s.environment.KURRENTDB_TRUSTED_ROOT_CERTIFICATES_PATH, name).toBe('/certs/ca');
    }
    expect(services['dispatcher']!.deploy.replicas).toBe(2);
    const haproxy = readFileSync(join(ROOT, 'infra/haproxy/haproxy.cfg'), 'utf8');
    expect(haproxy).toMatch(/server-template api \d+ api:3000/);
    expect(haproxy).toContain('option httpchk GET /ready');
  });
});
