/**
 * The answer page's HTML: one small document, no script, no external resource, its one stylesheet
 * allowed by hash in a strict Content-Security-Policy. Readable on a phone (one column, large
 * targets), accessible (headings, labelled fields, a fieldset per question, AA contrast).
 */
import { createHash } from 'node:crypto';
import { escapeHtml } from '../render/html-escape.js';

const STYLE = `
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f6f7f9}
main{max-width:36rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.5rem 0 1rem}
h2{font-size:1.1rem;margin:1.25rem 0 .5rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem .75rem;margin:0;background:#fff;border:1px solid #c4c8cf;border-radius:.5rem;padding:.75rem}
dt{font-weight:600}
dd{margin:0;overflow-wrap:anywhere}
code{font-family:ui-monospace,Menlo,Consolas,monospace}
fieldset{border:1px solid #c4c8cf;border-radius:.5rem;background:#fff;margin:0 0 1rem;padding:.75rem}
legend{font-weight:600;padding:0 .25rem}
.choice{display:flex;gap:.5rem;align-items:flex-start;padding:.5rem 0}
.choice input{flex:none;width:1.25rem;height:1.25rem;margin-top:.15rem}
label{font-weight:500}
.field{margin:.5rem 0 0 1.75rem}
.field label{display:block;margin-top:.5rem}
input[type=number],textarea{font:inherit;width:100%;padding:.5rem;border:1px solid #5f6670;border-radius:.25rem;background:#fff;color:#1a1a1a}
textarea{min-height:4rem}
.hint{color:#4a4f57;font-size:.9rem;margin:.25rem 0 0}
button{font:inherit;font-weight:600;color:#fff;background:#0b5cad;border:0;border-radius:.375rem;padding:.75rem 1.25rem;min-height:44px;width:100%}
button:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid #0b5cad;outline-offset:2px}
.notice{background:#fff;border:1px solid #c4c8cf;border-left:.375rem solid #0b5cad;border-radius:.5rem;padding:.75rem}
.refused{border-left-color:#b3261e}
`.trim();

const STYLE_HASH = `sha256-${createHash('sha256').update(STYLE).digest('base64')}`;

/**
 * The page's headers: the CSP allows nothing but the stylesheet above and form posts to the page
 * itself; no framing, no referrer (the link's signature is in the address), no caching (a shared
 * device must not keep the key's details).
 */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': `default-src 'none'; style-src '${STYLE_HASH}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
} as const;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)} - key-hygiene</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

const when = (date: Date): string => `${date.toISOString().replace('T', ' ').slice(0, 16)} UTC`;

/** What the form shows about the key, read live when the page is opened. */
export interface KeyView {
  accountId: string;
  userName: string;
  accessKeyId: string;
  deadline: Date;
  /** GetAccessKeyLastUsed's answer: the date (null: never used), service and region. */
  lastUsed: { date: Date | null; service: string | null; region: string | null };
  /** The link's payload and signature, posted back with the answer. */
  payload: string;
  signature: string;
  snoozeMaxDays: number;
  /** Snoozing is no longer possible (the security team's limit is reached): why. */
  snoozeRefusal: string | null;
}

function lastUseText(lastUsed: KeyView['lastUsed']): string {
  if (lastUsed.date === null) return 'never used';
  const where = [lastUsed.service, lastUsed.region].filter((v) => v && v !== 'N/A').join(' in ');
  return `${when(lastUsed.date)}${where ? ` (${where})` : ''}`;
}

/** The form: the key, its user, its last use and the deadline, and the three choices. */
export function renderAnswerForm(view: KeyView): string {
  const e = escapeHtml;
  const snooze = view.snoozeRefusal
    ? `<p class="hint" id="snooze-refused">${e(view.snoozeRefusal)}</p>`
    : `<div class="choice"><input type="radio" id="choice-snooze" name="choice" value="snooze" required>
<label for="choice-snooze">Keep it for more days</label></div>
<div class="field"><label for="days">Days to keep it (1 to ${view.snoozeMaxDays})</label>
<input type="number" id="days" name="days" min="1" max="${view.snoozeMaxDays}" value="${Math.min(30, view.snoozeMaxDays)}" inputmode="numeric" aria-describedby="days-hint">
<p class="hint" id="days-hint">The key stays active until then; after that the nightly run may deactivate it.</p>
<label for="reason">Why it is still needed (required to keep it)</label>
<textarea id="reason" name="reason" maxlength="500"></textarea></div>`;
  return page(
    'Access key notice',
    `<h1>An access key you own is due to be deactivated</h1>
<dl aria-label="The key">
<dt>Key</dt><dd><code id="key-id">${e(view.accessKeyId)}</code></dd>
<dt>User</dt><dd id="user-name">${e(view.userName)}</dd>
<dt>Account</dt><dd>${e(view.accountId)}</dd>
<dt>Last used</dt><dd id="last-used">${e(lastUseText(view.lastUsed))}</dd>
<dt>Deadline</dt><dd id="deadline"><time datetime="${view.deadline.toISOString()}">${when(view.deadline)}</time></dd>
</dl>
<h2>Your answer</h2>
<p>This link works once. Nothing changes until you send your answer.</p>
<form method="post">
<input type="hidden" name="p" value="${e(view.payload)}">
<input type="hidden" name="s" value="${e(view.signature)}">
<fieldset>
<legend>What should happen to this key?</legend>
${snooze}
<div class="choice"><input type="radio" id="choice-deactivate" name="choice" value="deactivate" required>
<label for="choice-deactivate">Deactivate it now (it can be reactivated by an administrator)</label></div>
<div class="choice"><input type="radio" id="choice-not-mine" name="choice" value="not-mine" required>
<label for="choice-not-mine">It is not mine (the security team is told)</label></div>
</fieldset>
<button type="submit">Send answer</button>
</form>`,
  );
}

/** A page that says one thing: the answer's outcome, or why the link or answer was refused. */
export function renderMessage(title: string, message: string, refused: boolean): string {
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p class="notice${refused ? ' refused' : ''}" role="${refused ? 'alert' : 'status'}">${escapeHtml(message)}</p>`,
  );
}
