import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/model.js';
import {
  ACCOUNTS,
  accountedFor,
  appliedRefs,
  callStats,
  deactivatedBetween,
  enforce,
  INVENTORY_SOURCES,
  iamState,
  okCalls,
  resetSandbox,
  wrongChanges,
} from '../support/fault-audit.js';
import { expectFaultFreeOutcomeUnder, useFaultSandbox } from '../support/fault-suite.js';

/** The calls of the credential-report path, whose failures the report's source explains. */
const REPORT_PATH_ACTIONS = [
  'GenerateCredentialReport',
  'GetCredentialReport',
  'GetAccountAuthorizationDetails',
];

/**
 * The reads of a group's policies or a managed policy's document: each is made once per run and
 * shared by every user who holds that group or policy.
 */
const SHARED_POLICY_READS = [
  'ListAttachedGroupPolicies',
  'ListGroupPolicies',
  'GetGroupPolicy',
  'GetPolicy',
  'GetPolicyVersion',
];

/** The users whose privilege could not be read. */
const privilegeErrors = (report: AuditReport) => report.errors.filter((e) => e.operation === 'privilege');

/** Failures a report owns up to one for one: inventory errors plus failed actions. */
const reportedFailures = (report: AuditReport): number =>
  report.errors.length -
  privilegeErrors(report).length +
  report.actions.filter((action) => action.status === 'failed').length;

describe('Fault suite: 5% of AWS requests answered ServiceFailure', () => {
  const suite = useFaultSandbox(300);

  it('has a fault-free run that deactivates keys in both accounts without any error', () => {
    const { initial, baseline, deactivated: baselineDeactivated } = suite;
    // Assess: the baseline is worth comparing against.
    expect(baselineDeactivated.filter((ref) => ref.startsWith('111111111111/')).length).toBe(6);
    expect(baselineDeactivated.filter((ref) => ref.startsWith('123456789012/')).length).toBeGreaterThan(50);
    expect(wrongChanges(initial, baseline, baseline)).toEqual([]);
  });

  describe.each(INVENTORY_SOURCES)('with INVENTORY_SOURCE=%s', (source) => {
    const env = { INVENTORY_SOURCE: source };

    it('reaches exactly the fault-free state when the SDK retries the failures', async () => {
      // Act
      const stats = await expectFaultFreeOutcomeUnder(suite, { failRate: 0.05 }, source);
      // Assess: the failures were there, and the retries absorbed them.
      expect(stats.failed).toBeGreaterThan(5);
    });

    it('without retries, puts every failure in a report, acts on no other key, and a rerun completes the rest', async () => {
      // Prepare
      const { sandbox, initial, baseline, deactivated: baselineDeactivated } = suite;
      await resetSandbox(sandbox.url);
      sandbox.faults.configure({ failRate: 0.05 });
      // Act: each failed request is final, so it must surface in the report.
      const faulty = await Promise.all(
        ACCOUNTS.map((account) => enforce(sandbox.url, account, { iamMaxAttempts: 1, env })),
      );
      sandbox.faults.configure({ failRate: 0 });
      const afterFaulty = iamState(sandbox);
      const faultyStats = await callStats(sandbox.url);
      // Assess: every injected IAM failure is in a report. On the credential-report steps it is the
      // reason the run used an older report or fell back to the live API (in the report's source);
      // on a shared policy read it leaves every user holding that group or policy without a
      // privilege, one error each, their findings at the rule's severity; anywhere else it is exactly
      // one error entry or one failed action.
      const iam = faultyStats.services.iam;
      const injected = iam?.failed ?? 0;
      expect(injected).toBeGreaterThan(5);
      const failedOn = (actions: string[]) =>
        actions.reduce((sum, action) => sum + (iam?.actions[action]?.failed ?? 0), 0);
      const onReportPath = failedOn(REPORT_PATH_ACTIONS);
      const onSharedReads = failedOn(SHARED_POLICY_READS);
      expect(faulty.map(reportedFailures).reduce((a, b) => a + b, 0)).toBe(
        injected - onReportPath - onSharedReads,
      );
      const unread = faulty.flatMap((report) => privilegeErrors(report).map((error) => ({ report, error })));
      expect(unread.length > 0).toBe(onSharedReads > 0);
      for (const { report, error } of unread) {
        expect(error.code, error.userName ?? '').toBe('ServiceFailure');
        const findings = report.findings.filter((f) => f.userName === error.userName);
        expect(findings.length, error.userName ?? '').toBeGreaterThan(0);
        for (const finding of findings) expect(finding, error.userName ?? '').not.toHaveProperty('privilege');
      }
      const sourcesNamingAFailure = faulty.filter((r) => /ServiceFailure/.test(r.source.reason)).length;
      expect(sourcesNamingAFailure > 0).toBe(onReportPath > 0);
      expect(wrongChanges(initial, baseline, afterFaulty)).toEqual([]);
      const missed = baselineDeactivated.filter((ref) => afterFaulty[ref]?.status === 'Active');
      expect(missed.length).toBeGreaterThan(0);
      for (const ref of missed) {
        const [account, userName, accessKeyId] = ref.split('/') as [string, string, string];
        const report = faulty.find((r) => r.accountId === account) as AuditReport;
        expect(accountedFor(report, userName, accessKeyId), ref).not.toBeNull();
      }
      for (const report of faulty) {
        for (const action of report.actions.filter((a) => a.status === 'failed')) {
          expect(action.error?.code, `${action.userName} ${action.accessKeyId}`).toBe('ServiceFailure');
          expect(action.reason).toMatch(/failed/);
        }
      }

      // Act: the rerun, without faults.
      const rerun = await Promise.all(ACCOUNTS.map((account) => enforce(sandbox.url, account, { env })));
      // Assess: the fault-free state, reached by acting only on what the faulty run missed.
      expect(iamState(sandbox)).toEqual(baseline);
      expect(rerun.flatMap(appliedRefs).sort()).toEqual(missed);
      const updates = okCalls(await callStats(sandbox.url), 'UpdateAccessKey');
      expect(updates).toBe(baselineDeactivated.length);
      expect(deactivatedBetween(initial, iamState(sandbox))).toEqual(baselineDeactivated);
    });
  });
});
