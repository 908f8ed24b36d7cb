/**
 * The team's copy of its owners' notices: when the team directory names a Slack webhook parameter
 * for a team, tonight's stages for keys of that team's users go to that webhook, in one post per
 * team. Posted from the stages this run claimed in the ledger, so a stage another run claimed (or a
 * stage sent on an earlier night) is never posted again. The post carries no answer link: a link
 * answers for its owner, and a channel is read by the whole team.
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { describeAwsError } from '../aws/errors.js';
import type { PermissionDeclaration } from '../aws/permissions.js';
import type { AuditError } from '../model.js';
import { checkWebhookUrl, postToSlack, type SlackLogger } from '../notify/slack-webhook.js';
import { mrkdwnText, truncateChars } from '../render/mrkdwn.js';
import type { SlackBlock, SlackMessage } from '../render/slack-blocks.js';
import type { NoticeStage } from './notice-record.js';

/** Team webhook parameters live under this path: the role reads nothing else of SSM for them. */
export const TEAM_WEBHOOK_PREFIX = '/key-hygiene/slack/';

/**
 * The team's webhook URL, a SecureString under /key-hygiene/slack/. Encrypted with the AWS managed
 * key aws/ssm, SSM decrypts it for any role of the account allowed the parameter (the key's own
 * policy), so no KMS grant is needed; a parameter under a customer managed key needs that key's
 * policy to allow the audit role, or the post fails with an error in the report.
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const TEAM_WEBHOOK_PERMISSIONS = [
  {
    action: 'ssm:GetParameter',
    resource: 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/key-hygiene/slack/*',
    why: "reads a team's Slack webhook URL (the team directory's slackWebhookParameter, under /key-hygiene/slack/) to post its owners' notices",
  },
] as const satisfies readonly PermissionDeclaration[];

/** One stage claimed tonight for a key of a team with a webhook. */
export interface TeamStage {
  team: string;
  /** The SSM parameter holding the team's webhook URL. */
  parameter: string;
  stage: NoticeStage;
  userName: string;
  accessKeyId: string;
  deadline: string;
  /** Whom the notice went to: "alice@example.com", or "the security team". */
  sentTo: string;
}

const STAGE_TEXT: Record<NoticeStage, string> = {
  notice: 'will be deactivated unless used, on or after',
  'final-reminder': 'final reminder: deactivated unless used on',
  action: 'deactivated on',
};

/** Lines shown per post; the rest are counted (Slack's section holds 3,000 characters). */
const MAX_LINES = 20;

/** The team's post: one line per key, most urgent stage first. Pure; account text is escaped. */
export function teamNoticeMessage(
  accountId: string,
  team: string,
  stages: readonly TeamStage[],
): SlackMessage {
  const order: readonly NoticeStage[] = ['action', 'final-reminder', 'notice'];
  const sorted = [...stages].sort(
    (a, b) => order.indexOf(a.stage) - order.indexOf(b.stage) || (a.accessKeyId < b.accessKeyId ? -1 : 1),
  );
  const lines = sorted
    .slice(0, MAX_LINES)
    .map(
      (s) =>
        `• \`${mrkdwnText(s.accessKeyId)}\` of ${mrkdwnText(s.userName)}: ${STAGE_TEXT[s.stage]} ${mrkdwnText(s.deadline)} (told: ${mrkdwnText(s.sentTo)})`,
    );
  const more = sorted.length > MAX_LINES ? [`…and ${sorted.length - MAX_LINES} more keys`] : [];
  const title = `key-hygiene: notices for team ${team} in AWS account ${accountId}`;
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncateChars(title.replace(/[\p{Cc}]/gu, ' '), 150), emoji: true },
    },
    { type: 'section', text: { type: 'mrkdwn', text: truncateChars([...lines, ...more].join('\n'), 3000) } },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: 'Each owner was sent their notice with a link to keep the key, deactivate it now, or say it is not theirs. A key used before its deadline is kept.',
        },
      ],
    },
  ];
  return { text: truncateChars(mrkdwnText(title), 300), blocks };
}

/**
 * Posts each team's stages to its webhook, one post per team; what fails is an error in the report
 * naming the team and the parameter (never the URL, which is the secret), and nothing is retried:
 * the owners' own notices already went.
 */
export async function postTeamNotices(
  deps: { ssm?: Pick<SSMClient, 'send'> | undefined; logger: SlackLogger },
  accountId: string,
  stages: readonly TeamStage[],
): Promise<AuditError[]> {
  const errors: AuditError[] = [];
  const teams = new Map<string, TeamStage[]>();
  for (const stage of stages) teams.set(stage.team, [...(teams.get(stage.team) ?? []), stage]);
  for (const [team, own] of teams) {
    const parameter = (own[0] as TeamStage).parameter;
    const fail = (code: string, what: string) =>
      errors.push({
        userName: null,
        accessKeyId: null,
        operation: 'slack:team-webhook',
        code,
        message: `The notices of team ${team} (account ${accountId}) were not posted to its Slack webhook (${parameter}): ${what}. The owners' own notices went; fix the parameter or the team directory.`,
      });
    if (!parameter.startsWith(TEAM_WEBHOOK_PREFIX)) {
      fail('TeamWebhookOutsidePrefix', `the role reads team webhooks under ${TEAM_WEBHOOK_PREFIX} only`);
      continue;
    }
    if (!deps.ssm) {
      fail('NoClient', 'no SSM client given');
      continue;
    }
    try {
      const read = await deps.ssm.send(new GetParameterCommand({ Name: parameter, WithDecryption: true }));
      const url = checkWebhookUrl(read.Parameter?.Value ?? '', parameter);
      const posted = await postToSlack(url, teamNoticeMessage(accountId, team, own), { logger: deps.logger });
      if (posted.outcome === 'rejected') fail('SlackRejected', `Slack refused the post (${posted.status})`);
    } catch (error) {
      const { code, message } = describeAwsError(error);
      fail(code, message);
    }
  }
  return errors;
}
