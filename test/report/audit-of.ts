/**
 * The audit pipeline without AWS, for renderer tests: evaluate, plan and build the report of an
 * inventory made with the rule factories, at their `NOW`.
 */

import { evaluateRules } from '../../src/evaluate/registry.js';
import type { AuditReport, UserRecord } from '../../src/model.js';
import { plan } from '../../src/plan/plan.js';
import { buildReport } from '../../src/report/build-report.js';
import { makeSettings, NOW } from '../evaluate/factories.js';

/** The report a run over `users` with these settings (environment names) would produce. */
export function reportFor(users: UserRecord[], env: Record<string, string> = {}): AuditReport {
  const settings = makeSettings(env);
  const planned = plan({
    users,
    findings: evaluateRules(users, { now: NOW, settings }),
    errors: [],
    settings,
    now: NOW,
    selfAccessKeyId: null,
  });
  return buildReport({
    runId: 'run-1',
    accountId: '111111111111',
    mode: settings.mode,
    asOf: NOW,
    startedAt: NOW,
    finishedAt: NOW,
    source: { kind: 'live-api', reason: 'test' },
    complete: true,
    notReached: [],
    users,
    findings: planned.findings,
    actions: planned.actions,
    exempt: planned.exempt,
    errors: [],
    thresholds: {
      unusedKeyDays: settings.rules.unusedKey.days,
      unusedKeyWarnDays: settings.rules.unusedKey.warnDays,
      neverUsedKeyDays: settings.rules.neverUsedKey.days,
      rotationDays: settings.rules.rotationOverdue.days,
    },
  });
}
