import { describe, expect, it } from 'vitest';
import { keyFinding } from '../../src/evaluate/key-facts.js';
import type { Finding, FindingPrivilege } from '../../src/model.js';
import { weighFindings } from '../../src/privilege/weigh.js';
import { makeKey, makeUser, NOW } from '../evaluate/factories.js';

const finding = (userName: string, severity: Finding['severity']): Finding =>
  keyFinding(makeUser({ userName }), makeKey(), NOW, {
    ruleId: 'unused-key',
    controls: [],
    severity,
    action: 'deactivate',
    message: 'm',
  });
const privilege = (level: FindingPrivilege['level']): FindingPrivilege => ({
  level,
  source: level === 'none' ? null : 'P',
  actions: [],
});

describe('Function: weighFindings', () => {
  it('raises admin and privilege-escalation one level, lowers none one level, keeps the rest', () => {
    // Prepare
    const privileges = new Map([
      ['admin', privilege('admin')],
      ['escalator', privilege('privilege-escalation')],
      ['writer', privilege('write')],
      ['reader', privilege('read-only')],
      ['nobody', privilege('none')],
    ]);
    const findings = [
      finding('admin', 'medium'),
      finding('escalator', 'high'),
      finding('writer', 'medium'),
      finding('reader', 'medium'),
      finding('nobody', 'medium'),
      finding('unread', 'medium'),
    ];
    // Act
    const weighed = weighFindings(findings, privileges, 'on');
    // Assess
    expect(weighed.map((f) => [f.userName, f.severity, f.userName === null ? null : f.ruleSeverity])).toEqual(
      [
        ['admin', 'high', 'medium'],
        ['escalator', 'critical', 'high'],
        ['writer', 'medium', undefined],
        ['reader', 'medium', undefined],
        ['nobody', 'low', 'medium'],
        ['unread', 'medium', undefined],
      ],
    );
    expect(weighed[0]?.userName === null ? null : weighed[0]?.privilege).toEqual(privilege('admin'));
  });

  it('never raises above critical nor lowers a critical finding', () => {
    // Prepare
    const privileges = new Map([
      ['admin', privilege('admin')],
      ['nobody', privilege('none')],
    ]);
    // Act
    const weighed = weighFindings(
      [finding('admin', 'critical'), finding('nobody', 'critical')],
      privileges,
      'on',
    );
    // Assess
    expect(weighed.map((f) => f.severity)).toEqual(['critical', 'critical']);
  });

  it('with weighting off, shows the privilege and keeps the rule severity', () => {
    // Act
    const [weighed] = weighFindings(
      [finding('admin', 'medium')],
      new Map([['admin', privilege('admin')]]),
      'off',
    );
    // Assess
    expect(weighed).toMatchObject({ severity: 'medium', privilege: privilege('admin') });
    expect(weighed && 'ruleSeverity' in weighed).toBe(false);
  });
});
