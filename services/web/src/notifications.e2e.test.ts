/**
 * Notifications in the web app: once a dossier reaches the provincial appraiser's inbox, the appraiser's header
 * shows the unread count on every page and `/notifications` lists it with a link to the dossier; marking all read
 * (a CSRF-checked form) clears the count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTORS_2025, communeJourney } from '@ntm/testing';
import { startWebServer, type WebServer } from '../test/support/startWebServer.js';
import { csrfOf, Visitor } from '../test/support/browserless.js';

const OFFICIAL = ACTORS_2025.communeOfficial;
const APPRAISER = ACTORS_2025.provincialAppraiser;
const ACCOUNTS = [
  { id: OFFICIAL.id, role: OFFICIAL.role, unit: OFFICIAL.unit, name: 'Xã Quảng Bạch' },
  { id: APPRAISER.id, role: APPRAISER.role, unit: APPRAISER.unit, name: 'Sở NN&MT Thái Nguyên' },
];

let web: WebServer;
let dossierId: string;

beforeAll(async () => {
  web = await startWebServer({ now: new Date('2025-08-01T02:00:00Z'), accounts: ACCOUNTS });
  const cursor: { dossierId?: string; etag?: string } = {};
  for (const step of communeJourney('ntm', 2).steps) {
    const answer = await web.sendStep(step, cursor);
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
    if (step.ctx.actor.role !== OFFICIAL.role && step.ctx.actor.role !== 'front_officer') break;
    const events = answer.body['events'] as { type: string }[];
    if (events.some((e) => e.type === 'DossierSubmitted')) break;
  }
  dossierId = cursor.dossierId!;
});
afterAll(async () => web?.close());

describe('notifications page', () => {
  it('shows the unread count in the header, lists the notification, and marks all read', async () => {
    const visitor = new Visitor(web.url);
    const inbox = await visitor.signIn(APPRAISER.id);
    expect(inbox.body).toMatch(/href="\/notifications">🔔 Thông báo <strong class="count">\d+<\/strong>/);
    const page = await visitor.get('/notifications');
    expect(page.status).toBe(200);
    expect(page.body).toContain(`/dossier/${dossierId}`);
    expect(page.body).toContain('chờ xử lý');
    // Without the CSRF token nothing is marked.
    expect((await visitor.post('/notifications/read', {})).status).toBe(403);
    const marked = await visitor.post('/notifications/read', { _csrf: csrfOf(page.body) });
    expect(marked.status).toBe(200);
    expect(marked.body).not.toContain('class="count"');
    expect(marked.body).not.toContain('Đánh dấu tất cả là đã đọc');
  });
});
