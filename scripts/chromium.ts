/**
 * Starts Debian's Chromium (package `chromium`) headless through playwright-core, for the HTML
 * report's browser test and its screenshot. Playwright's own browser download is not used: the
 * machine's network is closed, and `.ci/run` installs the Debian package instead.
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

// Without the background-networking flags Chromium keeps trying to reach Google's services,
// which a closed network refuses; --no-sandbox because CI runs as root.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A headless Chromium. Playwright starts it with a fresh, empty profile in a temporary folder of
 * its own and removes that folder on `close()`; each `newContext()` is a clean session on top.
 *
 * @throws Error naming the missing binary and the install command when Chromium is not installed.
 * @example
 * const browser = await launchChromium();
 * const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}, and the HTML report's browser test needs it. Install it with "apt-get install -y chromium" (.ci/run does this on CI).`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}
