import { mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium, never a downloaded browser; flags that keep it off the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Runs a browser flow; on failure saves a screenshot under test-results/screenshots. */
export async function withScreenshotOnFailure(page: Page, name: string, flow: () => Promise<void>) {
  try {
    await flow();
  } catch (error) {
    mkdirSync('test-results/screenshots', { recursive: true });
    await page
      .screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true })
      .catch(() => {});
    throw error;
  }
}
