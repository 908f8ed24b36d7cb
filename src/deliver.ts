/**
 * The delivery step, separate from the audit: it runs after the IAM work is done. A retry of the
 * nightly event must not audit again (it would find the keys already inactive and report nothing
 * done), so `auditOnce` keeps a ledger of what was published and resumes the delivery from it.
 */
import type { Settings } from './config/settings.js';
import type { AuditReport } from './model.js';
import { publishReport } from './notify/publish.js';
import { resolveTopicArn } from './notify/topic-arn.js';
import { reportProgressTo } from './progress.js';
import { splitByTeam } from './report/teams.js';
import type { AuditDeps } from './run-start.js';

/** The messages of a run published so far: the full report's id, then each team copy's. */
export interface PublishedMessages {
  /** Null until the full report is published. */
  report: string | null;
  teams: { team: string; messageId: string }[];
}

/**
 * What an earlier attempt of the same delivery published (sent again by no one), and where each new
 * publish is recorded, before the next one, so that a retry after a failure resumes where it stopped.
 */
export interface DeliveryLedger {
  published: PublishedMessages;
  /** Called after each publish with everything published so far; must not throw. */
  onPublished(published: PublishedMessages): Promise<void>;
}

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
 * DeliveryError on failure so Lambda's retries and error alarms see it. With a `ledger`, a message
 * it lists as published is not published again, and each new one is recorded in it.
 */
export async function deliverReport(
  deps: Pick<AuditDeps, 'sns' | 'region' | 'logger' | 'onProgress'>,
  settings: Settings,
  report: AuditReport,
  ledger?: DeliveryLedger,
): Promise<Delivery> {
  const topicArn = reportTopicArn(deps, settings, report.accountId);
  // The number of messages is known once the team split is made, after the full report is out.
  const progress = reportProgressTo(deps, { runId: report.runId });
  progress({ phase: 'publishing', done: 0, total: null });
  const options = { chatFormat: settings.chatFormat };
  const published: PublishedMessages = {
    report: ledger?.published.report ?? null,
    teams: [...(ledger?.published.teams ?? [])],
  };
  const recordPublished = async () => ledger?.onPublished({ ...published, teams: [...published.teams] });
  let messageId = published.report;
  if (messageId === null) {
    ({ messageId } = await publishReport(deps.sns, topicArn, report, options));
    published.report = messageId;
    await recordPublished();
    deps.logger.info('report published', { runId: report.runId, topicArn, messageId });
  } else {
    deps.logger.info('report already published by an earlier attempt', { runId: report.runId, messageId });
  }
  if (settings.maxTeamMessages === 0) {
    progress({ phase: 'publishing', done: 1, total: 1 });
    return { topicArn, messageId };
  }
  const split = splitByTeam(report, settings.maxTeamMessages);
  const total = 1 + split.reports.length;
  progress({ phase: 'publishing', done: 1, total });
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
    const team = teamReport.team ?? '';
    const earlier = published.teams.find((sent) => sent.team === team);
    if (earlier) {
      teamMessages.push(earlier);
      progress({ phase: 'publishing', done: 1 + teamMessages.length, total });
      continue;
    }
    const sent = {
      team,
      messageId: (await publishReport(deps.sns, topicArn, teamReport, options)).messageId,
    };
    teamMessages.push(sent);
    published.teams.push(sent);
    await recordPublished();
    progress({ phase: 'publishing', done: 1 + teamMessages.length, total });
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
