import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  declaredNames,
  gatherPermissions,
  modulesReachedFrom,
  permissionsOf,
  serviceFunctions,
} from '../../scripts/permissions/registry.js';

const ROOT = new URL('../../', import.meta.url);
const WALK = 'test/permissions/fixtures/walk';

describe('Function: serviceFunctions', () => {
  it("reads each function's name and handler file from the functions block only", () => {
    // Prepare
    const yml = [
      'service: demo',
      'provider:',
      '  handler: not/a-function.handler',
      'functions:',
      '  # the nightly one',
      '  nightly:',
      '    handler: handlers/nightly.handler',
      '    events:',
      '      - schedule: rate(1 day)',
      '  byHand:',
      "    handler: 'handlers/by-hand.main'",
      '    condition: !Not [!Equals ["", ""]]',
      'resources:',
      '  later:',
      '    handler: not/a-function-either.handler',
    ].join('\n');
    // Act
    const functions = serviceFunctions(yml);
    // Assess
    expect(functions).toEqual([
      { name: 'nightly', entry: 'handlers/nightly.ts' },
      { name: 'byHand', entry: 'handlers/by-hand.ts' },
    ]);
  });

  it('refuses a function whose handler it cannot read, rather than granting it nothing', () => {
    // Act
    const read = () => serviceFunctions('functions:\n  nightly:\n    handler: ${self:custom.h}\n');
    // Assess
    expect(read).toThrow(/function nightly has no handler/);
  });

  it("finds every function of this repository's serverless.yml, each with an existing handler file", () => {
    // Act
    const functions = serviceFunctions(readFileSync(new URL('serverless.yml', ROOT), 'utf8'));
    // Assess
    expect(functions.map((f) => f.name)).toEqual([
      'scheduledAudit',
      'adhocAudit',
      'slackNotifier',
      'organizationListAccounts',
      'organizationAuditAccount',
      'organizationSummary',
      'exposedKeyResponder',
      'answerPage',
    ]);
    for (const { entry } of functions) expect(existsSync(new URL(entry, ROOT)), entry).toBe(true);
  });
});

describe('Function: modulesReachedFrom', () => {
  it('follows value imports and re-exports, not type-only imports or files nothing imports', async () => {
    // Act
    const reached = await modulesReachedFrom(`${WALK}/entry.ts`);
    // Assess
    expect(reached.sort()).toEqual([`${WALK}/entry.ts`, `${WALK}/reexported.ts`, `${WALK}/used.ts`]);
  });
});

describe('Function: declaredNames', () => {
  it('names the exported *_PERMISSIONS constants a module declares itself, not re-exports', () => {
    // Prepare
    const text = [
      "export { OTHER_PERMISSIONS } from './other.js';",
      'export const APPLY_PERMISSIONS = [];',
      'const LOCAL_PERMISSIONS = [];',
      'export const UNDO_PERMISSIONS = APPLY_PERMISSIONS;',
      'export const PERMISSIONS_NOTE = "";',
      '// export const COMMENTED_PERMISSIONS = [];',
    ].join('\n');
    // Act
    const names = declaredNames('example.ts', text);
    // Assess
    expect(names).toEqual(['APPLY_PERMISSIONS', 'UNDO_PERMISSIONS']);
  });
});

describe('Function: gatherPermissions', () => {
  const registry = gatherPermissions();

  it('reaches every declaring module from some handler: no declaration is left ungranted', async () => {
    // Act
    const { modules } = await registry;
    // Assess: the command line (src/cli/) runs with the operator's credentials, not a function role.
    expect(modules.length).toBeGreaterThan(0);
    expect(
      modules
        .filter((m) => m.functions.length === 0 && !m.module.startsWith('src/cli/'))
        .map((m) => m.module),
    ).toEqual([]);
  });

  it('reaches no command-line module from a handler: the functions never ask for a confirmation', async () => {
    // Act
    const { modules } = await registry;
    // Assess
    expect(modules.filter((m) => m.module.startsWith('src/cli/')).map((m) => m.functions)).toEqual([[]]);
  });

  it("gives the Slack notifier none of the audit's permissions: its handler reaches no IAM, SNS or S3 call", async () => {
    // Act
    const actions = permissionsOf(await registry, 'slackNotifier').map((d) => d.action);
    // Assess
    expect(actions).toContain('ssm:GetParameter');
    expect(actions.filter((a) => /^(iam|sns|s3|sts):/.test(a))).toEqual([]);
  });

  it('gives the failure destination to the function that has one, and undo to the ad-hoc function only', async () => {
    // Act
    const { modules } = await registry;
    const reachedBy = (module: string) => modules.find((m) => m.module === module)?.functions;
    // Assess
    expect(reachedBy('src/runtime/platform/scheduled-audit.ts')).toEqual(['scheduledAudit']);
    expect(reachedBy('src/undo/reactivate.ts')).toEqual(['adhocAudit']);
    expect(reachedBy('src/apply/delete-key.ts')).toEqual([
      'scheduledAudit',
      'adhocAudit',
      'organizationAuditAccount',
    ]);
    // The responder and the answer page check that a member account is ACTIVE in the organization
    // before acting there.
    expect(reachedBy('src/org/list-accounts.ts')).toEqual([
      'organizationListAccounts',
      'exposedKeyResponder',
      'answerPage',
    ]);
  });
});
