import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gatherPermissions, permissionsOf } from '../../scripts/permissions/registry.js';
import { renderPermissionsTable } from '../../scripts/permissions/table.js';

const deployPage = readFileSync(new URL('../../docs/deploy.md', import.meta.url), 'utf8');
const registry = await gatherPermissions();

describe("docs/deploy.md's table of the role's permissions", () => {
  it('is the table the registry generates (npm run --silent permissions-table)', () => {
    expect(deployPage).toContain(renderPermissionsTable(registry));
  });

  it('has a row for every declared action', () => {
    // Prepare
    const table = renderPermissionsTable(registry);
    // Assess
    for (const { name } of registry.functions) {
      for (const { action } of permissionsOf(registry, name)) expect(table).toContain(`| \`${action}\``);
    }
  });

  it('shows every grant with its condition: one action on one resource under two conditions is two rows', () => {
    // Prepare
    const table = renderPermissionsTable(registry);
    const tagUserRows = table.split('\n').filter((line) => line.startsWith('| `iam:TagUser` |'));
    // Assess: the responder's record of a handled event is a grant of its own, beside the
    // deactivation record every key-changing function writes.
    expect(tagUserRows).toEqual([
      '| `iam:TagUser` | `arn:${AWS::Partition}:iam::${AWS::AccountId}:user/*` | `ForAllValues:StringLike aws:TagKeys key-hygiene:deactivated-*`; `Null aws:TagKeys false` | scheduledAudit, adhocAudit, organizationAuditAccount, exposedKeyResponder | tags the user with why, when and in which run its key was deactivated |',
      expect.stringMatching(
        /^\| `iam:TagUser` \| `arn:\$\{AWS::Partition\}:iam::\$\{AWS::AccountId\}:user\/\*` \| `ForAllValues:StringLike aws:TagKeys key-hygiene:exposed-\*`; `Null aws:TagKeys false` \| exposedKeyResponder \| /,
      ),
      // The answer page's snooze: exactly one tag key.
      '| `iam:TagUser` | `arn:${AWS::Partition}:iam::${AWS::AccountId}:user/*` | `ForAllValues:StringLike aws:TagKeys key-hygiene:snoozed`; `Null aws:TagKeys false` | answerPage | records a snooze on the user, the one tag key the planner reads it from |',
    ]);
  });

  it('shows the member-role grant with its organization condition, as IAM reads the policy variable', () => {
    // Prepare
    const table = renderPermissionsTable(registry);
    const assumeRows = table.split('\n').filter((line) => line.startsWith('| `sts:AssumeRole` |'));
    // Assess
    expect(assumeRows).toEqual([
      expect.stringMatching(
        /^\| `sts:AssumeRole` \| `arn:\$\{AWS::Partition\}:iam::\*:role\/\*` \| {2}\| organizationListAccounts, exposedKeyResponder, answerPage \| /,
      ),
      expect.stringMatching(
        /^\| `sts:AssumeRole` \| `arn:\$\{AWS::Partition\}:iam::\*:role\/key-hygiene\/\*` \| `StringEquals aws:ResourceOrgID \$\{aws:PrincipalOrgID\}` \| organizationAuditAccount, exposedKeyResponder, answerPage \| /,
      ),
    ]);
  });
});
