/**
 * The delivery step, separate from the audit: it runs after the IAM work is done, so when it fails
 * and Lambda retries, the retry does not repeat the work.
 */
import type { Settings } from './config/settings.js';
import type { AuditReport } from './model.js';
import { publishReport } from './notify/publish.js';
import { resolveTopicArn } from './notify/topic-arn.js';
import { splitByTeam } from './report/teams.js';
import type { AuditDeps } from './run-start.js';

export interface Delivery {
  topicArn: string;
  messageId: string;
  /** One message per team named in the report (per-team routing), after the full report's. */
  teamMessages?: { team: string; messageId: string }[];
}

/**
 * Publishes the report to the topic, then one copy per team the report names (users tagged `team`,
 * else `owner`), with only that team's entries and the message attribute `team`, the most urgent
 * teams first and at most `maxTeamMessages` of them (the rest are named in a warning). Throws a
 * DeliveryError on failure so Lambda's retries and error alarms see it.
 */
export async function deliverReport(
  deps: Pick<AuditDeps, 'sns' | 'region' | 'logger'>,
  settings: Settings,
  report: AuditReport,
): Promise<Delivery> {
  const topicArn = reportTopicArn(deps, settings, report.accountId);
  const options = { chatFormat: settings.chatFormat };
  const { messageId } = await publishReport(deps.sns, topicArn, report, options);
  deps.logger.info('report published', { runId: report.runId, topicArn, messageId });
  if (settings.maxTeamMessages === 0) return { topicArn, messageId };
  const split = splitByTeam(report, settings.maxTeamMessages);
  if (split.omitted.length > 0) {
    deps.logger.warn('more teams than team messages allowed; the full report still has them', {
      runId: report.runId,
      maxTeamMessages: settings.maxTeamMessages,
      omittedTeams: split.omitted.length,
      firstOmitted: split.omitted.slice(0, 10),
    });
  }
  const teamMessages: { team: string; messageId: string }[] = [];
  for (const teamReport of split.reports) {
    const published = await publishReport(deps.sns, topicArn, teamReport, options);
    teamMessages.push({ team: teamReport.team ?? '', messageId: published.messageId });
  }
  if (teamMessages.length > 0) {
    deps.logger.info('team reports published', { runId: report.runId, teams: teamMessages.length });
  }
  return { topicArn, messageId, teamMessages };
}

/** The topic reports go to: the ARN setting, else the topic name in this account and region. */
export function reportTopicArn(
  deps: Pick<AuditDeps, 'region'>,
  settings: Settings,
  accountId: string,
): string {
  return resolveTopicArn({
    topicArn: settings.reportTopicArn,
    topicName: settings.reportTopicName,
    region: deps.region,
    accountId,
  });
}
