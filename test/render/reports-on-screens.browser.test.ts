/**
 * Both HTML reports (the acme account's, and the test organization's, each audited on the sandbox
 * by the real pipeline) in Debian's Chromium at a phone's width and a desktop's: no sideways
 * scrolling of the page, chart labels a person can read, and no accessibility violation that
 * axe-core finds. When Chromium is missing these tests fail (see scripts/chromium.ts).
 */
import axe from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditAcme } from '../../scripts/acme-audit.js';
import { launchChromium } from '../../scripts/chromium.js';
import { renderOrganizationHtml } from '../../src/org/render-organization.js';
import { renderHtml } from '../../src/render/html.js';
import { auditTestOrganization } from '../support/organization-audit.js';

/** An iPhone 12 to 15's width in CSS pixels, and a laptop's. */
const WIDTHS = [390, 1280] as const;
/** The smallest text, in CSS pixels, that a chart label may render at. */
const MIN_LABEL_PX = 11;

interface ReportUnderTest {
  name: 'account' | 'organization';
  html: string;
  /** The chart whose text is measured. */
  chart: string;
  /** Opens what a reader would open to see everything (the account's full key table). */
  expand?: (page: Page) => Promise<void>;
}

/**
 * The rendered size of every piece of text in the chart: its computed font size times the scale
 * an SVG viewBox applies (getScreenCTM), so text in a shrunken SVG counts at the size it shows.
 */
const labelSizes = (chart: string) => `(() => {
  const sizes = [];
  for (const el of document.querySelectorAll(${JSON.stringify(`${chart}, ${chart} *`)})) {
    const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim() !== '');
    if (!ownText || el.getClientRects().length === 0) continue;
    const px = parseFloat(getComputedStyle(el).fontSize);
    const scale = el instanceof SVGGraphicsElement ? el.getScreenCTM().a : 1;
    sizes.push({ text: el.textContent.trim().slice(0, 40), px: Math.round(px * scale * 100) / 100 });
  }
  return sizes;
})()`;

let browser: Browser;
const reports: ReportUnderTest[] = [];

async function open(report: ReportUnderTest, width: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  // setContent keeps the page's Content-Security-Policy in force, so what is measured is what a
  // reader's browser applies.
  await page.setContent(report.html, { waitUntil: 'load' });
  await report.expand?.(page);
  return page;
}

describe('HTML reports on a phone and a desktop', () => {
  let setupError: unknown = null;

  beforeAll(async () => {
    try {
      browser = await launchChromium();
      const [acme, organization] = await Promise.all([auditAcme(), auditTestOrganization()]);
      reports.push(
        {
          name: 'account',
          html: renderHtml(acme.report, acme.rows),
          chart: '#chart figure',
          expand: (page) => page.locator('#keys-details summary').click(),
        },
        { name: 'organization', html: renderOrganizationHtml(organization), chart: '#findings-chart' },
      );
    } catch (error) {
      setupError = error;
    }
  }, 120_000);

  beforeEach(() => {
    if (setupError) throw setupError;
  });

  afterAll(async () => {
    await browser?.close();
  });

  for (const name of ['account', 'organization'] as const) {
    for (const width of WIDTHS) {
      it(`fits the ${name} report in ${width} px: the page never scrolls sideways`, async () => {
        // Prepare
        const report = reports.find((r) => r.name === name) as ReportUnderTest;
        const page = await open(report, width);

        // Act
        const scrollWidth = await page.evaluate('document.documentElement.scrollWidth');

        // Assess
        expect(scrollWidth).toBeLessThanOrEqual(width);
        await page.context().close();
      });

      it(`keeps every label of the ${name} report's chart at ${MIN_LABEL_PX} px or more at ${width} px`, async () => {
        // Prepare
        const report = reports.find((r) => r.name === name) as ReportUnderTest;
        const page = await open(report, width);

        // Act
        const sizes = (await page.evaluate(labelSizes(report.chart))) as Array<{ text: string; px: number }>;

        // Assess
        expect(sizes.length).toBeGreaterThanOrEqual(8);
        expect(sizes.filter((s) => s.px < MIN_LABEL_PX)).toEqual([]);
        await page.context().close();
      });

      it(`finds no accessibility violation in the ${name} report at ${width} px (axe-core)`, async () => {
        // Prepare
        const report = reports.find((r) => r.name === name) as ReportUnderTest;
        const page = await open(report, width);
        // Evaluated by the browser's debugger protocol, which the page's policy does not govern.
        await page.evaluate(axe.source);

        // Act
        const violations = (await page.evaluate(
          'axe.run(document).then((r) => r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(" ")) })))',
        )) as Array<{ id: string; nodes: string[] }>;

        // Assess
        expect(violations).toEqual([]);
        await page.context().close();
      });
    }
  }

  it("names every colour of the organization chart in a legend: the severities and 'not covered'", async () => {
    // Prepare
    const report = reports.find((r) => r.name === 'organization') as ReportUnderTest;
    const page = await open(report, 390);

    // Act
    const legend = await page.locator('#findings-chart .legend li').allTextContents();
    const colours = (await page.evaluate(
      `[...document.querySelectorAll('#findings-chart .legend .swatch')].map((s) => getComputedStyle(s).backgroundColor + ' ' + getComputedStyle(s).borderTopColor)`,
    )) as string[];
    const drawn = (await page.evaluate(
      `[...new Set([...document.querySelectorAll('#findings-chart svg rect')].map((r) => r.getAttribute('class')))]`,
    )) as string[];

    // Assess
    expect(legend).toEqual(['critical', 'high', 'medium', 'low', 'info', 'not covered (not audited)']);
    expect(new Set(colours).size).toBe(legend.length);
    // Every class a bar is drawn with has its swatch in the legend.
    const swatches = (await page.evaluate(
      `[...document.querySelectorAll('#findings-chart .legend .swatch')].map((s) => [...s.classList].find((c) => c !== 'swatch'))`,
    )) as string[];
    expect(drawn.length).toBeGreaterThanOrEqual(3);
    for (const kind of drawn) expect(swatches).toContain(kind);
    await page.context().close();
  });
});
