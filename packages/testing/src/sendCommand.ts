/**
 * Drives commands over HTTP the way a client does: read the ETag, send the command with If-Match. Used by the e2e
 * tests and the benchmark to replay the testing package's journeys against a running API.
 */
import { COMMAND_SPECS, type CommandSpec } from '@ntm/contracts';
import type { DossierCommand } from '@ntm/domain';

export interface CommandCall {
  baseUrl: string;
  token: string;
  command: DossierCommand;
  /** required except for the creating command */
  dossierId?: string | undefined;
  /** the ETag to send as If-Match */
  etag?: string | undefined;
  idempotencyKey?: string | undefined;
  headers?: Record<string, string>;
}

export interface CommandAnswer {
  status: number;
  etag: string | null;
  body: Record<string, unknown>;
  headers: Headers;
}

/** The contract of a command type. */
export function specOf(type: string): CommandSpec {
  const spec = COMMAND_SPECS.find((s) => s.type === type);
  if (!spec) throw new TypeError(`unknown command ${type}`);
  return spec;
}

/** The URL path of a command. */
export function commandPath(type: string, dossierId?: string): string {
  const spec = specOf(type);
  if (spec.creates) return '/dossiers';
  if (dossierId === undefined) throw new TypeError(`${type} needs a dossier id`);
  return `/dossiers/${encodeURIComponent(dossierId)}/${spec.slug}`;
}

/** Sends one command; the body is the command without its type and dossier id. */
export async function sendCommand(call: CommandCall): Promise<CommandAnswer> {
  const { type, dossierId: _ignored, ...body } = call.command;
  const response = await fetch(`${call.baseUrl}${commandPath(type, call.dossierId)}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${call.token}`,
      'content-type': 'application/json',
      ...(call.etag ? { 'if-match': call.etag } : {}),
      ...(call.idempotencyKey ? { 'idempotency-key': call.idempotencyKey } : {}),
      ...call.headers,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    etag: response.headers.get('etag'),
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    headers: response.headers,
  };
}
