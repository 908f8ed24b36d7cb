import { describe, expect, it } from 'vitest';
import { mrkdwnCode, mrkdwnLink, mrkdwnText } from '../../src/render/mrkdwn.js';
import { buildSlackMessage, SLACK_LIMITS, type SlackMessage } from '../../src/render/slack-blocks.js';
import { reportForTeam } from '../../src/report/teams.js';
import {
  finding,
  incompleteReport,
  largeReport,
  reportModeReport,
  sampleReport,
  teamReport,
} from '../report/sample-report.js';

function withinLimits(message: SlackMessage): void {
  expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  for (const block of message.blocks) {
    if (block.type === 'section')
      expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    if (block.type === 'context')
      expect(block.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
  }
}

const texts = (message: SlackMessage) =>
  message.blocks.flatMap((b) => (b.type === 'section' ? [b.text.text] : [])).join('\n');

describe('Function: buildSlackMessage', () => {
  it('fills the top findings over several sections when one is not enough, then says how many more', () => {
    // Prepare: messages long enough that fifteen lines cannot fit one 3000-character section.
    const report = largeReport(40, {
      findings: largeReport(40).findings.map((f) => ({
        ...f,
        message: `${f.message} ${'detail '.repeat(40)}`,
      })),
    });

    // Act
    const message = buildSlackMessage(report);

    // Assess
    withinLimits(message);
    const findingSections = message.blocks.filter(
      (b) => b.type === 'section' && /^\*Top findings|^• :/.test(b.text.text),
    );
    expect(findingSections.length).toBeGreaterThan(1);
    const shown = texts(message)
      .split('\n')
      .filter((l) => /^• :(large_orange|large_yellow|information_source)/.test(l)).length;
    expect(texts(message)).toContain(`…and ${30 - shown} more findings in the full report`);
  });

  it('cuts the header at 150 characters and a single huge line at the section limit', () => {
    // Prepare
    const report = reportForTeam(
      sampleReport({
        findings: [
          {
            ...finding({
              ruleId: 'unused-key',
              severity: 'high',
              userName: 'u'.repeat(64),
              accessKeyId: 'AKIALONG000000000001',
              controls: [],
              message: 'm'.repeat(10_000),
              action: 'deactivate',
            }),
            team: 't'.repeat(128),
          },
        ],
      }),
      't'.repeat(128),
    );

    // Act
    const message = buildSlackMessage(report);

    // Assess
    withinLimits(message);
    expect(message.blocks[0]).toMatchObject({ type: 'header' });
    expect(texts(message)).toContain('m…');
  });

  it('says what enforce mode would do in report mode and warns when the run is incomplete', () => {
    // Act
    const report = buildSlackMessage(reportModeReport());
    const incomplete = buildSlackMessage(incompleteReport());

    // Assess
    expect(report.blocks[0]).toMatchObject({ text: { text: expect.stringContaining('(report mode)') } });
    expect(texts(report)).toContain('*What enforce mode would do (4)*');
    expect(texts(report)).toContain('• Would deactivate `alice`');
    expect(texts(incomplete)).toContain(
      ':warning: *Incomplete run*: 7 users were not reached (mike, nina, oscar, pat, quinn and 2 more)',
    );
  });

  it('names the team in the header of a team copy', () => {
    const message = buildSlackMessage(reportForTeam(teamReport(), 'payments'));
    expect(message.blocks[0]).toMatchObject({
      text: { text: 'key-hygiene 111111111111 team payments: 1 deactivated, 1 failed, 2 to review' },
    });
  });
});

describe('mrkdwn escaping', () => {
  it('escapes control characters, entities, formatting and broadcasts in free text', () => {
    expect(mrkdwnText('a & b <!here> *c* _d_ ~e~ `f` @channel\nx')).toBe(
      'a &amp; b &lt;!here&gt; ∗c∗ ＿d＿ ∼e∼ ˋfˋ @\u2060channel\uFFFDx',
    );
  });

  it('keeps names exact in code spans, whose only breakable character is the backtick', () => {
    expect(mrkdwnCode('svc_deploy*1')).toBe('`svc_deploy*1`');
    expect(mrkdwnCode('a`b<c>')).toBe('`aˋb&lt;c&gt;`');
  });

  it('links only http(s) URLs and encodes what would end the link early', () => {
    expect(mrkdwnLink('javascript:alert(1)', 'x')).toBeNull();
    expect(mrkdwnLink('not a url', 'x')).toBeNull();
    expect(mrkdwnLink('https://a.example/r?x=1&y=a|b', 'full *report*')).toBe(
      '<https://a.example/r?x=1&amp;y=a%7Cb|full ∗report∗>',
    );
  });
});
