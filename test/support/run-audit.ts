/**
 * One enforce run of the fault suite's accounts in a process of its own, so a test can SIGKILL it
 * in the middle of its actions. Prints the reports as one JSON array on stdout when it finishes.
 *
 *   node --import tsx test/support/run-audit.ts <sandbox URL> [account ...]
 *
 * Settings are the suite's enforce settings (ENFORCE_ENV), and INVENTORY_SOURCE from the
 * environment when set; the credentials are the sandbox's.
 */
import { ACCOUNTS, type AccountId, enforce } from './fault-audit.js';

const [url, ...accounts] = process.argv.slice(2);
if (!url) {
  process.stderr.write('usage: run-audit.ts <sandbox URL> [account ...]\n');
  process.exit(2);
}
const targets = accounts.length > 0 ? (accounts as AccountId[]) : [...ACCOUNTS];
const source = process.env.INVENTORY_SOURCE;
const env: Record<string, string> = source ? { INVENTORY_SOURCE: source } : {};
const reports = await Promise.all(targets.map((account) => enforce(url, account, { env })));
process.stdout.write(`${JSON.stringify(reports)}\n`);
