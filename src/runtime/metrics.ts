import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AuditReport } from '../model.js';

/**
 * The run's figures as CloudWatch metrics (EMF): what was audited, findings per rule, keys
 * deactivated, errors. Alarms and dashboards read these, not the logs.
 */
export function recordAuditMetrics(metrics: Pick<Metrics, 'addMetric'>, report: AuditReport): void {
  const { summary } = report;
  metrics.addMetric('UsersAudited', MetricUnit.Count, summary.usersAudited);
  metrics.addMetric('KeysAudited', MetricUnit.Count, summary.keysAudited);
  metrics.addMetric('Findings', MetricUnit.Count, summary.findings);
  for (const [rule, count] of Object.entries(summary.findingsByRule)) {
    metrics.addMetric(`Findings_${rule}`, MetricUnit.Count, count);
  }
  metrics.addMetric('KeysDeactivated', MetricUnit.Count, summary.actionsApplied);
  metrics.addMetric('ActionsFailed', MetricUnit.Count, summary.actionsFailed);
  metrics.addMetric('AuditErrors', MetricUnit.Count, summary.errors);
  metrics.addMetric('IncompleteRuns', MetricUnit.Count, report.complete ? 0 : 1);
}
