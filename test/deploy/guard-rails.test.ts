import { describe, expect, it } from 'vitest';
import { gatherPermissions, permissionsOf, uniquePermissions } from '../../scripts/permissions/registry.js';
import { loadSettings } from '../../src/config/settings.js';
import { exemptionFor } from '../../src/plan/exemptions.js';
import { makeUser, NOW } from '../evaluate/factories.js';
import { PACKAGE_PARAMS } from '../support/package-service.js';
import { defaultResolver, packagedResolver } from '../support/packaged-template.js';
import { type RoleUnderTest, resolveDeclared, rolesUnderTest, simulate } from '../support/role-simulation.js';

// The role cannot undo its own guard rails: what it may tag, which users' keys it may never change
// (and that the planner agrees), and deletion only when cleanup is on. Simulated on the packaged
// CloudFormation of a configured stage (test/support/package-service.ts) and of a first deployment
// with every param at its default.

const resolver = packagedResolver();
const defaults = defaultResolver();
const { partition, accountId } = resolver.deployment;
const auditRole = (roles: RoleUnderTest[]) => {
  const role = roles.find((r) => r.functions.includes('scheduledAudit'));
  if (!role) throw new Error('No role runs scheduledAudit');
  return role;
};
const role = auditRole(rolesUnderTest(resolver));
const userArn = (path: string, name: string) => `arn:${partition}:iam::${accountId}:user${path}${name}`;
const DEACTIVATION_TAG = 'key-hygiene:deactivated-AKIAEXAMPLE000000001';

/** The settings the deployed functions parse: the packaged environment of the scheduled audit. */
function deployedSettings() {
  const fn = resolver.resource('ScheduledAuditLambdaFunction').Properties as {
    Environment: { Variables: Record<string, string> };
  };
  return loadSettings(resolver.resolve(fn.Environment.Variables) as Record<string, string>);
}

describe('Guard rails: tagging', () => {
  it.each(['iam:TagUser', 'iam:UntagUser'])('%s may write or remove a deactivation tag', async (action) => {
    // Act
    const result = await simulate(resolver, role, {
      action,
      resource: userArn('/', 'alice'),
      context: { 'aws:TagKeys': [DEACTIVATION_TAG] },
    });
    // Assess
    expect(result).toBe('Allowed');
  });

  it.each([
    ['the exemption tag', ['key-hygiene:exempt']],
    ['the exemption reason', ['key-hygiene:exempt-reason']],
    ['a tag other policies may trust', ['team']],
    ['a deactivation tag together with the exemption tag', [DEACTIVATION_TAG, 'key-hygiene:exempt']],
    ['a key that only ends like a deactivation tag', [`x-${DEACTIVATION_TAG}`]],
  ])('denies tagging or untagging %s', async (_label, keys) => {
    // Act
    const results = await Promise.all(
      ['iam:TagUser', 'iam:UntagUser'].map((action) =>
        simulate(resolver, role, {
          action,
          resource: userArn('/', 'alice'),
          context: { 'aws:TagKeys': keys },
        }),
      ),
    );
    // Assess
    expect(results).toEqual(['ImplicitlyDenied', 'ImplicitlyDenied']);
  });
});

describe('Guard rails: the explicit Deny and the planner agree on who is exempt', () => {
  const settings = deployedSettings();

  it('denies key changes for exactly the key-hygiene:exempt values the planner reads as a permanent exemption', async () => {
    // Prepare: IAM compares without regard to case and cannot trim, so ' true' exempts neither.
    const values = [
      'true',
      'TRUE',
      'True',
      'tRuE',
      ' true',
      'true ',
      '\ttrue',
      'yes',
      'false',
      '',
      '2099-12-31',
    ];
    // Act
    const denied = await Promise.all(
      values.map(async (value) => {
        const context = {
          'aws:ResourceTag/key-hygiene:exempt': value,
          'iam:ResourceTag/key-hygiene:exempt': value,
        };
        const result = await simulate(resolver, role, {
          action: 'iam:UpdateAccessKey',
          resource: userArn('/', 'someone'),
          context,
        });
        return result === 'ExplicitlyDenied';
      }),
    );
    const permanent = values.map((value) => {
      const exemption = exemptionFor(makeUser({ tags: { 'key-hygiene:exempt': value } }), settings, NOW);
      return exemption?.source === 'tag' && exemption.until === null;
    });
    // Assess
    expect(Object.fromEntries(values.map((v, i) => [v, denied[i]]))).toEqual(
      Object.fromEntries(values.map((v, i) => [v, permanent[i]])),
    );
    expect(denied.filter(Boolean)).toHaveLength(4);
  });

  // The stage is packaged with exemptUsers 'backup, ci-*,svc-??' and exemptPaths '/system, /break-glass/'.
  const users: [path: string, name: string, exempt: boolean][] = [
    ['/', 'backup', true],
    ['/team/', 'backup', true],
    ['/', 'backup2', false],
    ['/', 'ci-deploy', true],
    ['/ops/', 'ci-deploy', true],
    ['/', 'xci-deploy', false],
    ['/', 'svc-01', true],
    ['/', 'svc-1', false],
    ['/', 'svc-001', false],
    ['/system/', 'alice', true],
    ['/system/batch/', 'alice', true],
    ['/systems/', 'alice', false],
    ['/break-glass/', 'alice', true],
    ['/', 'alice', false],
  ];

  it.each(users)(
    'denies deactivating and deleting the keys of %s%s only if the planner exempts the user (%s)',
    async (path, name, exempt) => {
      // Act
      const planned = exemptionFor(makeUser({ userName: name, path }), settings, NOW);
      const results = await Promise.all(
        ['iam:UpdateAccessKey', 'iam:DeleteAccessKey'].map((action) =>
          simulate(resolver, role, { action, resource: userArn(path, name) }),
        ),
      );
      // Assess
      expect(planned !== null).toBe(exempt);
      expect(results).toEqual(exempt ? ['ExplicitlyDenied', 'ExplicitlyDenied'] : ['Allowed', 'Allowed']);
    },
  );

  it('reads the exemption params the settings read', () => {
    // Assess: the agreement above is about these very values.
    expect(settings.exemptions).toEqual({
      userNames: ['backup'],
      userGlobs: ['ci-*', 'svc-??'],
      paths: ['/system/', '/break-glass/'],
    });
    expect(PACKAGE_PARAMS.exemptUsers).toContain(' ');
  });
});

describe('Guard rails: a first deployment, every param at its default', () => {
  const firstRole = auditRole(rolesUnderTest(defaults));

  it('cannot delete access keys while cleanupEnabled is off', async () => {
    // Act
    const result = await simulate(defaults, firstRole, {
      action: 'iam:DeleteAccessKey',
      resource: `arn:${defaults.deployment.partition}:iam::${defaults.deployment.accountId}:user/alice`,
    });
    // Assess
    expect(result).not.toBe('Allowed');
    expect(defaults.template.Resources.KeyCleanupPolicy?.Condition).toBe('CleanupEnabled');
    expect(defaults.condition('CleanupEnabled')).toBe(false);
  });

  it('holds every permission a param must enable only once it is enabled', async () => {
    // Prepare
    const registry = await gatherPermissions();
    const gated = uniquePermissions(
      registry.functions.flatMap((fn) => permissionsOf(registry, fn.name)),
    ).filter((d) => d.onlyWhenParam !== undefined);
    // Act
    const results = await Promise.all(
      gated.map(async (d) => {
        const resource = d.resource.includes('iam::')
          ? userArn('/', 'alice')
          : resolveDeclared(defaults, d.resource);
        return [
          `${d.action} (${d.onlyWhenParam}=${d.onlyWhenValue ?? 'true'})`,
          await simulate(defaults, firstRole, { action: d.action, resource }),
          await simulate(resolver, role, { action: d.action, resource }),
        ];
      }),
    );
    // Assess: off by default, on in the stage packaged with the params set.
    expect(gated.map((d) => d.action).sort()).toEqual([
      'cloudtrail:LookupEvents',
      'iam:DeleteAccessKey',
      'securityhub:BatchImportFindings',
      'securityhub:GetFindings',
    ]);
    for (const [label, off, on] of results) {
      expect(off, label).toBe('ImplicitlyDenied');
      expect(on, label).toBe('Allowed');
    }
  });

  it('has no Deny by name or path when no exemption is configured', () => {
    // Assess
    expect(Object.keys(defaults.template.Resources)).not.toContain('ExemptUsersDenyPolicy');
    expect(Object.keys(resolver.template.Resources)).toContain('ExemptUsersDenyPolicy');
  });
});
