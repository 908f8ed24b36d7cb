import { describe, expect, it } from 'vitest';
import { defaultResolver, packagedResolver } from '../support/packaged-template.js';
import { rolesUnderTest, simulate } from '../support/role-simulation.js';

// The organizationAudit state machine as `serverless package` builds it (offline), with
// organizationAudit=true and a report bucket (test/support/package-service.ts).

const resolver = packagedResolver();
const { partition, region, accountId, service, stage } = resolver.deployment;
const resources = resolver.template.Resources;

interface AslState {
  Type: string;
  Resource?: string;
  ItemProcessor?: { States: Record<string, AslState> };
}

/** Every Task of the definition, the map's child included. */
function tasks(states: Record<string, AslState>): [string, AslState][] {
  return Object.entries(states).flatMap(([name, state]) => [
    ...(state.Type === 'Task' ? [[name, state] as [string, AslState]] : []),
    ...(state.ItemProcessor ? tasks(state.ItemProcessor.States) : []),
  ]);
}

describe('Deployment: the organizationAudit state machine', () => {
  const machine = resources.OrganizationAuditStateMachine?.Properties ?? {};
  const definition = JSON.parse(String(machine.DefinitionString)) as { States: Record<string, AslState> };
  const substitutions = machine.DefinitionSubstitutions as Record<string, { 'Fn::GetAtt': [string, string] }>;

  it('is a Standard workflow whose every Task resource resolves to a function of the packaged template', () => {
    // Prepare
    const found = tasks(definition.States);
    // Assess
    expect(machine.StateMachineType).toBe('STANDARD');
    expect(found.map(([name]) => name).sort()).toEqual(['AuditAccount', 'ListAccounts', 'Summarize']);
    for (const [name, task] of found) {
      const placeholder = /^\$\{(\w+)\}$/.exec(task.Resource ?? '')?.[1] ?? '';
      const [logicalId, attribute] = substitutions[placeholder]?.['Fn::GetAtt'] ?? [];
      expect(attribute, name).toBe('Arn');
      expect(resources[logicalId ?? '']?.Type, name).toBe('AWS::Lambda::Function');
      expect(resolver.exists(logicalId ?? ''), name).toBe(true);
      expect(String(resources[logicalId ?? '']?.Properties?.Handler)).toMatch(
        /^handlers\/organization-[a-z-]+\.handler$/,
      );
    }
  });

  it('is started nightly by an EventBridge rule, through a role that may only start it', () => {
    // Prepare
    const rule = resources.OrganizationAuditSchedule?.Properties ?? {};
    const role = rolesUnderTest(resolver, 'events.amazonaws.com');
    // Assess
    expect(rule.ScheduleExpression).toBe('cron(0 4 * * ? *)');
    expect(rule.Targets).toEqual([
      expect.objectContaining({ Arn: { Ref: 'OrganizationAuditStateMachine' } }),
    ]);
    expect(role).toHaveLength(1);
    expect(role[0]?.policies.flatMap((p) => p.policy.Statement)).toEqual([
      { Effect: 'Allow', Action: 'states:StartExecution', Resource: expect.any(String) },
    ]);
  });

  describe('its role (simulated)', () => {
    const [role] = rolesUnderTest(resolver, 'states.amazonaws.com');
    const fn = (name: string) =>
      `arn:${partition}:lambda:${region}:${accountId}:function:${service}-${stage}-${name}`;
    const object = (key: string) => `arn:${partition}:s3:::acme-key-hygiene-reports/${key}`;
    const machineArn = `arn:${partition}:states:${region}:${accountId}:stateMachine:${service}-${stage}-organization-audit`;

    it.each([
      ['lambda:InvokeFunction', fn('organizationListAccounts'), 'Allowed'],
      ['lambda:InvokeFunction', fn('organizationAuditAccount'), 'Allowed'],
      ['lambda:InvokeFunction', fn('organizationSummary'), 'Allowed'],
      ['lambda:InvokeFunction', fn('scheduledAudit'), 'ImplicitlyDenied'],
      ['states:StartExecution', machineArn, 'Allowed'],
      ['states:StartExecution', `${machineArn}-other`, 'ImplicitlyDenied'],
      ['s3:GetObject', object('organization-runs/r/accounts.json'), 'Allowed'],
      ['s3:PutObject', object('organization-runs/r/results/manifest.json'), 'Allowed'],
      ['s3:PutObject', object('reports/111111111111/x.json'), 'ImplicitlyDenied'],
      ['s3:DeleteObject', object('organization-runs/r/accounts.json'), 'ImplicitlyDenied'],
      ['iam:UpdateAccessKey', `arn:${partition}:iam::${accountId}:user/alice`, 'ImplicitlyDenied'],
    ])('%s on %s: %s', async (action, resource, expected) => {
      // Act
      const result = await simulate(resolver, role as NonNullable<typeof role>, { action, resource });
      // Assess
      expect(result).toBe(expected);
    });
  });

  it('is not deployed by default: no state machine, no organization functions, no extra grants', () => {
    // Prepare
    const first = defaultResolver();
    // Assess
    for (const id of [
      'OrganizationAuditStateMachine',
      'OrganizationAuditPolicy',
      'OrganizationListAccountsLambdaFunction',
      'OrganizationAuditSchedule',
    ]) {
      expect(first.exists(id), id).toBe(false);
    }
  });
});
