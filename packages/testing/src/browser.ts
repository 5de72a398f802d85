/**
 * Debian's Chromium driven by playwright-core, for the browser tests. Never a downloaded browser build: the
 * executable is `/usr/bin/chromium` (installed with apt by `.ci/run` where missing), or `CHROMIUM_PATH`.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** A headless Chromium; fails with the reason when the executable is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: apt-get install chromium (never download a browser build)`,
    );
  }
  // No sandbox: CI runs as root, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox'] });
}

/**
 * Presses Tab until the focused element matches `selector` (keyboard-only use, as a person without a mouse
 * would); throws after `limit` presses.
 */
export async function tabTo(page: Page, selector: string, limit = 60): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    if ((await page.locator(`${selector}:focus`).count()) > 0) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}
