/**
 * A TCP port on the loopback interface that was free a moment ago, for a server whose address must be known before
 * it listens (an issuer URL, a child process's environment).
 *
 * The port is drawn below the kernel's ephemeral range, never with `listen(0)`: a port from that range is also what
 * the kernel gives the local end of every outbound connection, and the parallel test files open PostgreSQL and Redis
 * connections by the hundred while the caller builds its server, so one of them could take the port first (CI saw
 * `EADDRINUSE` on a web server's port that way). Below the range a port is only taken by an explicit bind.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

const LOWEST = 15_000;

/** The first port of the kernel's ephemeral range (Linux's default where /proc does not say). */
export function ephemeralRangeStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const start = Number(low);
    return Number.isInteger(start) && start > LOWEST + 1_000 ? start : 32_768;
  } catch {
    return 32_768;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  const end = ephemeralRangeStart();
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = LOWEST + Math.floor(Math.random() * (end - LOWEST));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port between ${LOWEST} and ${end} after 100 tries`);
}
