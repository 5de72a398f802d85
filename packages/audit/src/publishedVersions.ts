/**
 * The published workflow versions and rule sets, fingerprinted. A dossier is replayed for ever under the version it
 * pinned, so a published version must never change: `published-versions.json` (committed) holds the SHA-256 of
 * workflow definition's canonical JSON and of each rule set's figures, and `replay:check` fails, naming the version, when the code's copy no longer matches.
 * A new behaviour is a new version, added to the file with `pnpm replay:check -- --record-new`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { canonicalJson } from '@ntm/event-store';
import { RULE_SETS, WORKFLOWS } from '@ntm/domain';
import { sha256Hex } from './format.js';

export interface PublishedVersions {
  workflows: Record<string, string>;
  ruleSets: Record<string, string>;
}

export interface VersionFailure {
  kind: 'workflow' | 'rule-set';
  /** `<id> v<version>` */
  version: string;
  message: string;
  expected?: string;
  found?: string;
}

const fingerprint = (value: unknown): string => sha256Hex(Buffer.from(canonicalJson(value), 'utf8'));

/**
 * A rule set's figures without their legal basis, notes and `confirmed` flags: confirming a figure or citing its
 * text better changes no decision, a changed figure does.
 */
function figures(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(figures);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if ('value' in record && 'legalBasis' in record && 'confirmed' in record) return figures(record['value']);
  return Object.fromEntries(
    Object.entries(record)
      .filter(([k]) => k !== 'legalBasis' && k !== 'note')
      .map(([k, v]) => [k, figures(v)]),
  );
}

/** The fingerprints of the versions this code holds (`WORKFLOWS` and `RULE_SETS` by default). */
export function currentVersions(
  workflows: readonly { id: string; version: number; definition: unknown }[] = WORKFLOWS,
  ruleSets: readonly { id: string; version: number }[] = RULE_SETS,
): PublishedVersions {
  return {
    workflows: Object.fromEntries(workflows.map((w) => [`${w.id} v${w.version}`, fingerprint(w.definition)])),
    ruleSets: Object.fromEntries(ruleSets.map((r) => [`${r.id} v${r.version}`, fingerprint(figures(r))])),
  };
}

/**
 * Every published version must still be in the code, unchanged. A version the file does not list yet is new,
 * not a failure (it is listed by `--record-new`).
 */
export function checkPublishedVersions(
  published: PublishedVersions,
  current: PublishedVersions = currentVersions(),
): VersionFailure[] {
  const failures: VersionFailure[] = [];
  const compare = (
    kind: VersionFailure['kind'],
    was: Record<string, string>,
    now: Record<string, string>,
  ) => {
    for (const [version, expected] of Object.entries(was)) {
      const found = now[version];
      if (found === undefined)
        failures.push({ kind, version, message: `the published ${kind} ${version} is gone from the code` });
      else if (found !== expected)
        failures.push({
          kind,
          version,
          message: `the published ${kind} ${version} was edited: dossiers pinned to it would replay differently; publish a new version instead`,
          expected,
          found,
        });
    }
  };
  compare('workflow', published.workflows, current.workflows);
  compare('rule-set', published.ruleSets, current.ruleSets);
  return failures;
}

/** The file with the versions this code holds that it does not list yet, the listed ones untouched. */
export function withNewVersions(
  published: PublishedVersions,
  current: PublishedVersions = currentVersions(),
): PublishedVersions {
  return {
    workflows: { ...current.workflows, ...published.workflows },
    ruleSets: { ...current.ruleSets, ...published.ruleSets },
  };
}

/** The committed file (beside `src/` and `dist/`, so the sources and the build read the same one). */
export const PUBLISHED_VERSIONS_FILE = fileURLToPath(new URL('../published-versions.json', import.meta.url));

export const readPublishedVersions = (file = PUBLISHED_VERSIONS_FILE): PublishedVersions =>
  JSON.parse(readFileSync(file, 'utf8')) as PublishedVersions;

export const writePublishedVersions = (versions: PublishedVersions, file = PUBLISHED_VERSIONS_FILE): void =>
  writeFileSync(file, `${JSON.stringify(versions, null, 2)}\n`);
