import { describe, expect, it } from 'vitest';
import { teamOf } from '../../src/evaluate/tags.js';
import { reportForTeam, reportTeams, splitByTeam } from '../../src/report/teams.js';
import { sampleReport, teamReport } from './sample-report.js';

describe('Function: teamOf', () => {
  it('takes the team tag, else the owner tag, ignoring key case and blank values', () => {
    expect(teamOf({ team: 'payments', owner: 'alice' })).toBe('payments');
    expect(teamOf({ Owner: ' data-platform ' })).toBe('data-platform');
    expect(teamOf({ TEAM: '  ', owner: 'risk' })).toBe('risk');
    expect(teamOf({ 'key-hygiene:exempt': 'true' })).toBeNull();
    expect(teamOf({ team: 'pay\nments\u0000' })).toBe('payments');
    expect(Array.from(teamOf({ team: 'x'.repeat(500) }) ?? '').length).toBe(128);
  });
});

describe('Function: buildReport (teams)', () => {
  it('tags findings, actions and exempt entries with their user’s team, and leaves untagged ones alone', () => {
    // Act
    const report = teamReport();

    // Assess
    expect(report.findings.find((f) => f.userName === 'gina')?.team).toBe('data-platform');
    expect(report.actions.find((a) => a.userName === 'bob')?.team).toBe('payments');
    expect(report.exempt.find((e) => e.userName === 'judy')?.team).toBe('payments');
    const root = report.findings.find((f) => f.ruleId === 'root-access-key');
    expect(root && 'team' in root).toBe(false);
    expect(sampleReport().findings.some((f) => 'team' in f)).toBe(false);
  });
});

describe('Function: reportForTeam', () => {
  it('keeps only the team’s entries and errors and recounts the summary, keeping the run’s scope', () => {
    // Prepare
    const report = teamReport();

    // Act
    const data = reportForTeam(report, 'data-platform');

    // Assess
    expect(data.team).toBe('data-platform');
    expect(data.findings.map((f) => f.userName)).toEqual(['carol-ci', 'gina']);
    expect(data.actions.map((a) => a.userName)).toEqual(['carol-ci']);
    expect(data.exempt).toEqual([]);
    expect(data.errors).toEqual([]);
    expect(data.summary).toMatchObject({
      usersAudited: report.summary.usersAudited,
      keysAudited: report.summary.keysAudited,
      findings: 2,
      highestSeverity: 'high',
      actionsApplied: 1,
      exempt: 0,
      errors: 0,
    });
  });
});

describe('Function: splitByTeam', () => {
  it('orders teams by severity then number of findings, and cuts at the limit', () => {
    // Prepare
    const report = teamReport();

    // Act
    const all = splitByTeam(report, 50);
    const one = splitByTeam(report, 1);

    // Assess
    expect(reportTeams(report)).toEqual(['payments', 'data-platform']);
    expect(all.reports.map((r) => r.team)).toEqual(['payments', 'data-platform']);
    expect(one).toMatchObject({ omitted: ['data-platform'] });
    expect(one.reports.map((r) => r.team)).toEqual(['payments']);
    expect(splitByTeam(sampleReport(), 50)).toEqual({ reports: [], omitted: [] });
  });
});
