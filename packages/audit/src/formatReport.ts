/** The verifier's report as text: the dossier's story step by step, each check, and every failure named. */
import type { BundleReport } from './verifyBundle.js';

export function formatReport(report: BundleReport): string {
  const lines: string[] = [];
  lines.push(
    `dossier ${report.dossierId ?? '?'}: ${report.events} events, exported ${report.exportedAt ?? '?'}`,
  );
  if (report.signedBy) lines.push(signedByLine(report.signedBy));
  if (report.documents && report.documents.referenced > 0)
    lines.push(
      `documents: ${report.documents.referenced} file(s) referenced, ${report.documents.included} in the bundle and checked` +
        (report.documents.included < report.documents.referenced
          ? ' (the others: their hashes only, in the events)'
          : ''),
    );
  lines.push('', 'story:');
  for (const s of report.story) {
    const who = `${s.actor.role} ${s.actor.id} (${s.actor.unit})`;
    const behalf = s.onBehalfOf
      ? ` on behalf of ${s.onBehalfOf.role} ${s.onBehalfOf.id} (${s.onBehalfOf.unit})`
      : '';
    const step =
      s.fromState !== undefined || s.toState !== undefined
        ? `  ${s.fromState ?? ''} → ${s.toState ?? ''}`
        : '';
    lines.push(`  #${s.revision} ${s.occurredAt} ${s.type} by ${who}${behalf}${step}`);
  }
  lines.push('', 'checks:');
  for (const c of report.checks) lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}`);
  if (report.failures.length > 0) {
    lines.push('', 'failures:');
    for (const f of report.failures) {
      const at = f.revision !== undefined ? ` event #${f.revision} (${f.eventId ?? '?'})` : '';
      const diff =
        f.expected !== undefined || f.found !== undefined
          ? `: expected ${f.expected ?? '?'}, found ${f.found ?? '?'}`
          : '';
      lines.push(`  [${f.check}]${at} ${f.message}${diff}`);
    }
  }
  lines.push('', report.ok ? 'VERIFIED' : 'NOT VERIFIED');
  return `${lines.join('\n')}\n`;
}

/** Which key signed, and whether the auditor gave it or it was found only in the bundle. */
export function signedByLine(signedBy: { kid: string; trust: 'given' | 'bundle-only' }): string {
  return (
    `signed by key ${signedBy.kid}` +
    (signedBy.trust === 'given'
      ? ' (one of the keys you gave)'
      : ' (found only in the bundle: give --keys with the province’s published keys to trust it)')
  );
}
