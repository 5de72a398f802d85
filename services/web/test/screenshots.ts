/**
 * `pnpm docs:screenshots`: regenerates the PNG screenshots of the main screens in docs/ui/ (the README shows
 * them). The web app runs as the tests run it (PostgreSQL in a schema of its own, dropped afterwards; the embedded
 * OIDC provider; a fixed clock), one commune dossier of Quảng Bạch is carried through the two-tier procedure
 * with the scripted journey, and Debian's Chromium (never a downloaded browser) photographs each screen as the
 * person it belongs to sees it: the account picker, the appraiser's inbox, the dossier page, a council member's
 * ballot and the secretary's tally, the auditor's replay and the dashboard at 1280 px, and the commune official's
 * dossier page at 360 px. Run with `node packages/testing/scripts/run-ts.mjs`, no build needed.
 */
import { mkdir, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { DomainActor } from '@ntm/domain';
import {
  ACTORS_2025,
  COUNCIL_MEMBERS,
  communeJourney,
  councilBallotSteps,
  councilMember,
  launchChromium,
  type JourneyStep,
} from '@ntm/testing';
import { startWebServer, type WebServer } from './support/startWebServer.js';
import type { DemoAccount } from '../src/demoAccounts.js';

const OUT = fileURLToPath(new URL('../../../docs/ui/', import.meta.url));
const A = ACTORS_2025;
const MEMBERS = COUNCIL_MEMBERS.slice(0, 5);
const AUDITOR: DomainActor = { id: 'kt-thainguyen', role: 'auditor', unit: '19' };
const NAMES: Record<string, string> = {
  [A.communeOfficial.id]: 'Xã Quảng Bạch',
  [A.frontOfficer.id]: 'Ủy ban MTTQ xã Quảng Bạch',
  [A.provincialAppraiser.id]: 'Sở Nông nghiệp và Môi trường Thái Nguyên',
  [A.provincialAppraiser2.id]: 'Sở Nông nghiệp và Môi trường Thái Nguyên',
  [A.councilSecretary.id]: 'Hội đồng thẩm định tỉnh Thái Nguyên',
  [A.provincialChairman.id]: 'UBND tỉnh Thái Nguyên',
  [AUDITOR.id]: 'Thanh tra tỉnh Thái Nguyên',
};
const people: DomainActor[] = [
  A.communeOfficial,
  A.frontOfficer,
  A.provincialAppraiser,
  A.provincialAppraiser2,
  A.councilSecretary,
  ...MEMBERS.map((m) => councilMember(m, A.councilSecretary)),
  A.provincialChairman,
  AUDITOR,
];
const ACCOUNTS: DemoAccount[] = people.map((p) => ({
  ...p,
  name: NAMES[p.id] ?? 'Hội đồng thẩm định tỉnh Thái Nguyên',
}));
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 360, height: 780 };

const journey = communeJourney('ntm', 2);
const upTo = (type: string) => journey.steps.findIndex((s) => s.command.type === type);

let web: WebServer | undefined;
let browser: Browser | undefined;
const cursor: { dossierId?: string; etag?: string } = {};
const written: string[] = [];

async function send(steps: JourneyStep[]): Promise<void> {
  for (const step of steps) {
    const answer = await web!.sendStep(step, cursor);
    if (answer.status >= 300) throw new Error(`${step.command.type}: ${JSON.stringify(answer.body)}`);
  }
}

/** A window of `actor`'s, signed in through the provider's account picker (photographed once, first). */
async function signedIn(actor: DomainActor, viewport = DESKTOP): Promise<Page> {
  const context = await browser!.newContext({ locale: 'vi-VN', viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${web!.url}/login`);
  await page.waitForURL(/\/login\/accounts\//);
  if (written.length === 0) await shoot(page, 'login');
  await Promise.all([page.waitForURL(/\/inbox$/), page.click(`button[value="${actor.id}"]`)]);
  return page;
}

async function shoot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const path = `${OUT}${name}.png`;
  await page.screenshot({ path, fullPage: options.fullPage ?? false });
  written.push(`${name}.png ${Math.round((await stat(path)).size / 1024)} KB`);
}

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  web = await startWebServer({ now: new Date(journey.steps[0]!.ctx.now), accounts: ACCOUNTS });
  browser = await launchChromium();

  // Submitted: in the appraiser's inbox.
  await send(journey.steps.slice(0, upTo('SubmitDossier') + 1));
  const id = encodeURIComponent(cursor.dossierId!);
  const appraiser = await signedIn(A.provincialAppraiser);
  await shoot(appraiser, 'inbox');

  // Appraised, the electronic ballot open, two members have voted and one recused.
  await send(journey.steps.slice(upTo('SubmitDossier') + 1, upTo('RecordCouncilBallot')));
  const day = new Date(journey.steps[upTo('RecordCouncilBallot')]!.ctx.now).toISOString().slice(0, 10);
  const ballot = councilBallotSteps(
    cursor.dossierId!,
    A.councilSecretary,
    day,
    { [MEMBERS[0]!]: 'approve', [MEMBERS[1]!]: 'approve', [MEMBERS[4]!]: 'recuse' },
    { ballotNo: 'HĐTĐ-2025-09', members: MEMBERS, close: false },
  );
  await send(ballot);
  const member = await signedIn(councilMember(MEMBERS[2]!, A.councilSecretary));
  await member.goto(`${web.url}/dossier/${id}/do/CastCouncilVote`);
  await member.check('input[name="vote"][value="approve"]');
  await shoot(member, 'council-ballot');
  const secretary = await signedIn(A.councilSecretary);
  await secretary.goto(`${web.url}/dossier/${id}`);
  await secretary.locator('#ballot').scrollIntoViewIfNeeded();
  await secretary.evaluate('document.getElementById("ballot").scrollIntoView({ block: "center" })');
  await shoot(secretary, 'council-tally');

  // Decided and announced: the dossier page, the auditor's replay, the dashboard.
  const rest = journey.steps.slice(upTo('DecideRecognition'));
  // Two more votes make the quorum (4 of 5), then the secretary closes the ballot.
  const more = councilBallotSteps(cursor.dossierId!, A.councilSecretary, day, {
    [MEMBERS[2]!]: 'approve',
    [MEMBERS[3]!]: 'approve',
  }).slice(1);
  await send(more);
  await send(rest);
  const official = await signedIn(A.communeOfficial);
  await official.goto(`${web.url}/dossier/${id}`);
  await shoot(official, 'dossier');
  const phone = await signedIn(A.communeOfficial, PHONE);
  await phone.goto(`${web.url}/dossier/${id}`);
  await shoot(phone, 'dossier-360');
  const auditor = await signedIn(AUDITOR);
  await auditor.goto(`${web.url}/dossier/${id}/audit`);
  await shoot(auditor, 'audit');
  await auditor.evaluate('document.querySelector("main svg").scrollIntoView({ block: "start" })');
  await shoot(auditor, 'audit-statechart');
  await auditor.goto(`${web.url}/dashboard`);
  await shoot(auditor, 'dashboard');
}

try {
  await main();
  process.stdout.write(`docs/ui/: ${written.join(', ')}\n`);
} finally {
  await browser?.close();
  await web?.close();
}
