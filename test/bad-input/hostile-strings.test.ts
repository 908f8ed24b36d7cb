import { afterAll, afterEach, beforeAll, describe, expect, it, type MockInstance, vi } from 'vitest';
import { describeValue } from '../../src/config/values.js';
import type { AuditReport } from '../../src/model.js';
import { auditReportSchema } from '../../src/report/schema.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { daysAgo, relativeFixture } from '../support/relative-fixture.js';
import { coldStart, lambdaContext } from '../support/sandbox-lifecycle.js';

/**
 * Tag values a user can carry. The fixture, like a careless admin, allows any text; only what XML
 * 1.0 can carry on the wire (no NUL, no bare CR) reaches the auditor unchanged.
 */
const SCRIPT_REASON = `<script>alert("pwned")</script> "quoted" 'single' \\ back\nCRITICAL (0)\n\u202Eevil\u2028 \t 漢字 🔑`;
const LINE_BREAKING_EXEMPT = 'soon\nWHAT WAS DONE\nNothing. <b>bold</b>\u0085';
const LONG_REASON = 'ü漢🔑'.repeat(64);
/** A user name no IAM would accept: control characters, quotes, markup, bidi override. */
const HOSTILE_NAME = 'eve"\n\u0007<script>\u202E';

let sandbox: RunningSandbox;
let stdout: MockInstance;
let logged: string[] = [];

function hostileFixture() {
  const now = new Date();
  const base = relativeFixture(now);
  const [account] = base.accounts;
  const stale = (id: string) => ({
    id,
    status: 'Active' as const,
    createDate: daysAgo(now, 500),
    lastUsed: { date: daysAgo(now, 300), service: 's3', region: 'us-east-1' },
  });
  account?.users?.push(
    {
      name: 'script-sid',
      createDate: daysAgo(now, 600),
      tags: { 'key-hygiene:exempt': 'true', 'key-hygiene:exempt-reason': SCRIPT_REASON },
      accessKeys: [stale('AKIASCRIPTSID0000001')],
    },
    {
      name: 'broken-tag-bea',
      createDate: daysAgo(now, 600),
      tags: { 'key-hygiene:exempt': LINE_BREAKING_EXEMPT },
      accessKeys: [stale('AKIABROKENTAG0000001')],
    },
    {
      name: 'long-tag-lou',
      createDate: daysAgo(now, 600),
      tags: { 'key-hygiene:exempt': 'true', 'key-hygiene:exempt-reason': LONG_REASON },
      accessKeys: [stale('AKIALONGTAG000000001')],
    },
  );
  return base;
}

interface Published {
  subject: string;
  bodies: Record<string, string>;
  deliveries: Record<string, string>;
}

const CONTROL = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

describe('Function: describeValue', () => {
  it('escapes controls, line separators and bidi characters, and never cuts a character in half', () => {
    // Act
    const described = describeValue(`a\u0007\u0085\u2028\u202Eb${'🔑'.repeat(60)}`);
    // Assess
    expect(described).toBe(`"a\\u0007\\u0085\\u2028\\u202eb${'🔑'.repeat(24)}..."`);
    expect(described).not.toMatch(CONTROL);
    expect(described).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe('Bad input: user-controlled strings in tags, names and events', () => {
  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: hostileFixture() });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  afterEach(() => {
    stdout?.mockRestore();
    vi.unstubAllEnvs();
    logged = [];
  });

  /** Captures what the Powertools logger prints (one JSON document per line outside POWERTOOLS_DEV). */
  function captureLogs(): void {
    stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logged.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
  }

  it('never break the text report, the Subject, the JSON copies or the logs', async () => {
    // Prepare
    const handler = await coldStart(sandbox, 'adhoc-audit', {
      MODE: 'enforce',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_LOGGER_LOG_EVENT: 'true',
    });
    captureLogs();
    // Act
    const report = (await handler({ notify: true }, lambdaContext)) as AuditReport;
    stdout.mockRestore();
    // Assess: the run itself did the right thing with the hostile users.
    expect(report.exempt.find((e) => e.userName === 'script-sid')?.reason).toBe(SCRIPT_REASON);
    expect(report.exempt.find((e) => e.userName === 'long-tag-lou')?.reason).toBe(LONG_REASON);
    const broken = report.actions.find((a) => a.userName === 'broken-tag-bea');
    expect(broken?.status).toBe('skipped');
    expect(broken?.reason).toContain(JSON.stringify(LINE_BREAKING_EXEMPT).slice(1, 12));

    const published = (await (await fetch(`${sandbox.url}/_sandbox/published`)).json()) as {
      messages: Published[];
    };
    const [message] = published.messages;
    // Subject: printable ASCII, under SNS's limit.
    expect(message?.subject).toMatch(/^[\x20-\x7e]{1,99}$/);
    // Text report: no control or bidi character, no injected section, no over-long line.
    const email = message?.bodies.email ?? '';
    const lines = email.split('\n');
    for (const line of lines) {
      expect(line, line).not.toMatch(CONTROL);
      expect([...line].length, line).toBeLessThanOrEqual(78);
    }
    expect(lines.filter((line) => line === 'WHAT WAS DONE')).toHaveLength(1);
    expect(lines.filter((line) => line.startsWith('CRITICAL ('))).toHaveLength(1);
    // JSON copies: parse, match the schema, and carry the strings exactly.
    for (const protocol of ['sqs', 'lambda', 'http', 'https'] as const) {
      const copy = auditReportSchema.parse(JSON.parse(message?.bodies[protocol] ?? ''));
      expect(copy.exempt.find((e) => e.userName === 'script-sid')?.reason).toBe(SCRIPT_REASON);
    }
    for (const protocol of ['email-json', 'sqs', 'http', 'https', 'lambda'] as const) {
      expect(() => JSON.parse(message?.deliveries[protocol] ?? ''), protocol).not.toThrow();
    }
    // Logs: every line is one JSON document.
    const logLines = logged
      .join('')
      .split('\n')
      .filter((line) => line.trim() !== '');
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) expect(() => JSON.parse(line), line).not.toThrow();
  });

  it('log a refused event with hostile user names as valid JSON, and refuse it with an escaped message', async () => {
    // Prepare
    const handler = await coldStart(sandbox, 'adhoc-audit', {
      POWERTOOLS_LOG_LEVEL: 'INFO',
      POWERTOOLS_LOGGER_LOG_EVENT: 'true',
    });
    const event = { users: [HOSTILE_NAME, SCRIPT_REASON], mode: `report\n${LONG_REASON}` };
    captureLogs();
    // Act
    const error = (await handler(event, lambdaContext).catch((e: unknown) => e)) as Error;
    stdout.mockRestore();
    // Assess
    expect(error.message).toMatch(/^Invalid event: .*users\.0: expected an IAM user name/);
    expect(error.message).toMatch(/mode: expected "report" or "enforce"/);
    expect(error.message).not.toMatch(CONTROL);
    const documents = logged
      .join('')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { event?: typeof event });
    expect(documents.find((doc) => doc.event)?.event).toEqual(event);
  });
});
