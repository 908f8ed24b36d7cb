/**
 * Renders the acme account's HTML report and saves a picture of its top (summary, chart,
 * actions) to docs/report.png for the README and docs/report.md: `npm run screenshot`. Needs Debian's Chromium.
 */
import { writeFile } from 'node:fs/promises';
import { renderHtml } from '../src/render/html.js';
import { auditAcme } from './acme-audit.js';
import { launchChromium } from './chromium.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const OUTPUT = 'docs/report.png';
const WIDTH = 1100;

async function main(): Promise<void> {
  const { report, rows } = await auditAcme();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 900 }, locale: 'en-US' });
    // setContent, not a file URL: the report needs nothing but its own markup.
    await page.setContent(renderHtml(report, rows), { waitUntil: 'load' });
    const actions = await page.locator('#actions').boundingBox();
    if (!actions) throw new Error('the rendered report has no #actions section to end the picture at');
    const png = await page.screenshot({
      clip: { x: 0, y: 0, width: WIDTH, height: Math.ceil(actions.y + actions.height + 16) },
      fullPage: true,
    });
    await writeFile(OUTPUT, png);
    process.stdout.write(`${OUTPUT}: ${png.length} bytes, ${WIDTH} px wide\n`);
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
