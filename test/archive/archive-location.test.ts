import { describe, expect, it } from 'vitest';
import { archivedObject, archiveKey, archiveLocation } from '../../src/archive/archive-location.js';

const run = {
  accountId: '111111111111',
  runId: '20261120T030000Z-1a2b3c',
  startedAt: '2026-11-20T03:00:00.000Z',
};

describe('Function: archiveLocation', () => {
  it('files a run under reports/<account>/<yyyy>/<mm>/<dd>/<runId>, by the UTC day it started', () => {
    const location = archiveLocation(run, { bucket: 'acme-key-hygiene-reports', region: 'eu-west-1' });
    expect(location.prefix).toBe('reports/111111111111/2026/11/20/20261120T030000Z-1a2b3c');
    expect(archiveKey(location, 'csv')).toBe('reports/111111111111/2026/11/20/20261120T030000Z-1a2b3c.csv');
    const lateEvening = archiveLocation(
      { ...run, startedAt: '2026-12-31T23:59:59.999Z' },
      { bucket: 'b-1', region: 'us-east-1' },
    );
    expect(lateEvening.prefix).toBe('reports/111111111111/2026/12/31/20261120T030000Z-1a2b3c');
  });

  it('keeps a run id with path characters to one key segment', () => {
    const location = archiveLocation({ ...run, runId: '../x/y z' }, { bucket: 'b-1', region: 'us-east-1' });
    expect(location.prefix).toBe('reports/111111111111/2026/11/20/.._x_y_z');
  });
});

describe('Function: archivedObject', () => {
  it('gives the s3:// URI and the S3 console link of the object, the key URL-encoded', () => {
    const location = archiveLocation(run, { bucket: 'acme-key-hygiene-reports', region: 'eu-west-1' });
    expect(archivedObject(location, 'html')).toEqual({
      s3Uri: 's3://acme-key-hygiene-reports/reports/111111111111/2026/11/20/20261120T030000Z-1a2b3c.html',
      consoleUrl:
        'https://console.aws.amazon.com/s3/object/acme-key-hygiene-reports?region=eu-west-1&prefix=reports%2F111111111111%2F2026%2F11%2F20%2F20261120T030000Z-1a2b3c.html',
    });
  });

  it('links to the console of the partition the region is in', () => {
    const host = (region: string) =>
      new URL(archivedObject(archiveLocation(run, { bucket: 'b-1', region }), 'json').consoleUrl).host;
    expect(host('cn-north-1')).toBe('console.amazonaws.cn');
    expect(host('us-gov-west-1')).toBe('console.amazonaws-us-gov.com');
    expect(host('ap-southeast-2')).toBe('console.aws.amazon.com');
  });
});
