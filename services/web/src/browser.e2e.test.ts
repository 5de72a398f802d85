/**
 * The web app in a real browser (Debian's Chromium through playwright-core): a commune official signs in through
 * the OIDC provider's page and submits a dossier with the keyboard alone, the pages fit 360 px, and axe-core finds
 * no serious violation on the screens it visits. Few and fast: one browser for the file.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ACTORS_2025, communeJourney, launchChromium, tabTo } from '@ntm/testing';
import { startWebServer, type WebServer } from '../test/support/startWebServer.js';

const OFFICIAL = ACTORS_2025.communeOfficial;
const ACCOUNTS = [{ id: OFFICIAL.id, role: OFFICIAL.role, unit: OFFICIAL.unit, name: 'Xã Quảng Bạch' }];
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let web: WebServer;
let browser: Browser;
let dossierId: string;

beforeAll(async () => {
  web = await startWebServer({ now: new Date('2025-08-01T02:00:00Z'), accounts: ACCOUNTS });
  const steps = communeJourney('ntm', 2).steps;
  const submit = steps.findIndex((s) => s.command.type === 'SubmitDossier');
  const cursor: { dossierId?: string; etag?: string } = {};
  for (const step of steps.slice(0, submit)) {
    expect((await web.sendStep(step, cursor)).status).toBeLessThan(300);
  }
  dossierId = cursor.dossierId!;
  web.clock.set(new Date(steps[submit]!.ctx.now));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await web?.close();
});

/** axe-core's serious and critical violations on the page (the CSP is bypassed only to inject axe). */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(
    'axe.run(document, { resultTypes: ["violations"] }).then(r => r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", ")))',
  );
  return result as string[];
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${web.url}/`);
  await tabTo(page, 'a[href="/login"]');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/login\/accounts\//);
  await tabTo(page, `button[value="${OFFICIAL.id}"]`);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/inbox$/);
}

describe('in the browser', () => {
  it('a commune official signs in and submits the dossier with the keyboard alone', async () => {
    const context = await browser.newContext({
      bypassCSP: true,
      locale: 'vi-VN',
      viewport: { width: 360, height: 740 },
    });
    const page = await context.newPage();
    await signIn(page);
    expect(await page.locator('h1').textContent()).toBe('Hồ sơ chờ xử lý');
    expect(await seriousViolations(page)).toEqual([]);
    await tabTo(page, `a[href="/dossier/${dossierId}"]`);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/dossier/${dossierId}$`));
    expect(await seriousViolations(page)).toEqual([]);
    await tabTo(page, `a[href="/dossier/${dossierId}/do/SubmitDossier"]`);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/do\/SubmitDossier$/);
    expect(await seriousViolations(page)).toEqual([]);
    await tabTo(page, '#f-letterNo');
    await page.keyboard.type('45/TTr-UBND');
    await page.keyboard.press('Enter');
    await page.waitForSelector('text=Kiểm tra thông tin trước khi gửi');
    expect(await page.locator('.summary-list').textContent()).toContain('45/TTr-UBND');
    await tabTo(page, 'button:has-text("Xác nhận và gửi")');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/dossier/${dossierId}$`));
    expect(await page.locator('[role=status]').textContent()).toContain('Đã ghi nhận');
    expect(await page.locator('main').textContent()).toContain('Đã nộp, chờ thẩm tra');
    // 360 px: nothing wider than the screen but the tables, which scroll inside their own box.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    await context.close();
  });
});
