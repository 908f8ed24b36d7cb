/**
 * `--mode enforce` on a terminal: before the first key is touched, the operator sees which account
 * (id and alias) and how many keys, and answers. The audit asks through `AuditDeps.confirmActions`,
 * once its plan is final, so what is shown is what would be done, and the function's safeguards
 * (the cap, exemptions, live confirmation) have already applied.
 */
import { createInterface } from 'node:readline/promises';
import { type IAMClient, ListAccountAliasesCommand } from '@aws-sdk/client-iam';
import type { PermissionDeclaration } from '../aws/permissions.js';
import type { ActionsToConfirm } from '../run-start.js';

/**
 * The alias names the account in the question; no function makes this call.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const CONFIRM_PERMISSIONS = [
  {
    action: 'iam:ListAccountAliases',
    resource: '*',
    why: 'command line only: names the account alias in the enforce confirmation (takes no resource)',
  },
] as const satisfies readonly PermissionDeclaration[];

export interface Terminal {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** The account's alias, or null when it has none or it cannot be read (the id is shown anyway). */
export async function accountAlias(iam: Pick<IAMClient, 'send'>): Promise<string | null> {
  try {
    const { AccountAliases } = await iam.send(new ListAccountAliasesCommand({}));
    return AccountAliases?.[0] ?? null;
  } catch {
    return null;
  }
}

/** The question, e.g. `Deactivate 2 access keys in account 111111111111 (acme-test)? [y/N] `. */
export function confirmationQuestion(request: ActionsToConfirm, alias: string | null): string {
  const keys = (n: number) => `${n} access key${n === 1 ? '' : 's'}`;
  const what = [
    request.deactivations > 0 ? `deactivate ${keys(request.deactivations)}` : null,
    request.deletions > 0 ? `delete ${keys(request.deletions)}` : null,
    (request.reactivations ?? 0) > 0 ? `reactivate ${keys(request.reactivations ?? 0)}` : null,
  ]
    .filter((part) => part !== null)
    .join(' and ');
  const account = `${request.accountId}${alias ? ` (${alias})` : ''}`;
  const who = (request.reactivations ?? 0) > 0 ? 'Undo' : 'Enforce mode';
  return `${who} will ${what} in account ${account}.\nGo on? [y/N] `;
}

/**
 * Asks on the terminal; only `y` or `yes` goes on. `beforeAsking` clears whatever is drawn there
 * (the progress bar).
 *
 * @example
 * deps.confirmActions = askOnTerminal({ input: process.stdin, output: process.stderr }, iam, () => bar.pause());
 */
export function askOnTerminal(
  terminal: Terminal,
  iam: Pick<IAMClient, 'send'>,
  beforeAsking: () => void = () => undefined,
): (request: ActionsToConfirm) => Promise<boolean> {
  return async (request) => {
    const alias = await accountAlias(iam);
    beforeAsking();
    const prompt = createInterface({ input: terminal.input, output: terminal.output, terminal: false });
    // Input that ends (Ctrl-D) before a line is a no.
    const ended = new Promise<string>((resolve) => prompt.once('close', () => resolve('')));
    try {
      const answer = await Promise.race([prompt.question(confirmationQuestion(request, alias)), ended]);
      return /^\s*y(es)?\s*$/i.test(answer);
    } finally {
      prompt.close();
    }
  };
}
