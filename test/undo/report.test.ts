import { describe, expect, it } from 'vitest';
import { SNS_MAX_PUBLISH_BYTES } from '../../src/notify/sns-message.js';
import { buildUndoReport, renderUndoText, undoReportSchema } from '../../src/undo/report.js';
import { buildUndoSnsPublish } from '../../src/undo/sns-message.js';
import type { UndoAction } from '../../src/undo/types.js';

const RUN = '20261120T030000Z-1a2b3c';

function action(index: number, extra: Partial<UndoAction> = {}): UndoAction {
  return {
    userName: `user-${String(index).padStart(4, '0')}`,
    accessKeyId: `AKIAUNDO${String(index).padStart(12, '0')}`,
    deactivation: `2026-11-20 unused-key ${RUN}`,
    status: 'reactivated',
    reason: null,
    error: null,
    ...extra,
  };
}

function report(actions: UndoAction[]) {
  return buildUndoReport({
    runId: '20261121T100000Z-abcdef',
    undoneRunId: RUN,
    accountId: '111111111111',
    startedAt: new Date('2026-11-21T10:00:00Z'),
    finishedAt: new Date('2026-11-21T10:00:05Z'),
    complete: true,
    notReached: [],
    actions,
    errors: [],
  });
}

describe('Function: renderUndoText', () => {
  it('keeps strings from the account on their own lines, escaped', () => {
    // Prepare: a tag value and an AWS message are free text an attacker may shape.
    const hostile = report([
      action(1, {
        deactivation: '2026-11-20 unused-key\nREACTIVATED (999):',
        status: 'failed',
        reason: 'UpdateAccessKey failed; key still Inactive',
        error: { code: 'AccessDenied', message: 'denied\r\n- everything reactivated' },
      }),
    ]);
    // Act
    const text = renderUndoText(hostile);
    // Assess
    expect(undoReportSchema.parse(hostile)).toEqual(hostile);
    expect(text.split('\n').filter((line) => line.startsWith('REACTIVATED'))).toEqual([]);
    expect(text.split('\n').filter((line) => line.startsWith('- everything'))).toEqual([]);
    expect(text).toContain('FAILED (1):');
  });
});

describe('Function: buildUndoSnsPublish', () => {
  it('fits a thousand keys into one SNS message, cutting the lists and saying so', () => {
    // Prepare
    const big = report(
      Array.from({ length: 1000 }, (_, index) =>
        action(index, { status: 'skipped', reason: `a long reason ${'x'.repeat(300)}` }),
      ),
    );
    // Act
    const publish = buildUndoSnsPublish(big);
    // Assess
    expect(Buffer.byteLength(publish.message) + Buffer.byteLength(publish.subject)).toBeLessThanOrEqual(
      SNS_MAX_PUBLISH_BYTES,
    );
    expect(publish.subject.length).toBeLessThanOrEqual(99);
    const message = JSON.parse(publish.message) as Record<string, string>;
    const copy = undoReportSchema.parse(JSON.parse(message.sqs ?? '{}'));
    expect(copy.summary.skipped).toBe(1000);
    expect(copy.truncated?.actionsOmitted).toBe(1000 - copy.actions.length);
    expect(copy.actions.length).toBeGreaterThan(0);
    expect(message.email).toMatch(/\d+ more keys not shown\./);
  });
});
