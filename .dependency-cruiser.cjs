/**
 * The architecture, checked in `npm test` (`npm run architecture`). Layers, top to bottom; an import
 * never points up this list (docs/how-it-works.md, "Layers"):
 *   handlers/ -> src/runtime, src/cli -> the pipelines (src/audit.ts, src/audit-once.ts, src/adhoc.ts,
 *   src/deliver.ts, src/run-start.ts, src/undo/run-undo.ts, the organization run in src/org/) -> the steps (collect, evaluate, plan, resolve, apply,
 *   owners, report, render, archive, notify, export, undo, config, answer) -> the leaves (src/aws, src/setting-values.ts, src/model.ts,
 *   src/key-ref.ts, src/order.ts, src/time.ts, src/run-id.ts, src/concurrency.ts).
 * The sandbox stands apart: it imports no product code, and no product code imports it.
 */
const LEAVES =
  '^src/(aws/|progress\\.ts|setting-values\\.ts|model\\.ts|key-ref\\.ts|order\\.ts|time\\.ts|run-id\\.ts|concurrency\\.ts)';
const STEPS =
  '^src/(collect|evaluate|privilege|owners|evidence|plan|resolve|apply|report|render|archive|notify|export|undo|config|respond|answer)/';
const PIPELINES =
  '^src/(audit|audit-once|adhoc|deliver|run-start)\\.ts$|^src/undo/run-undo\\.ts$|^src/org/|^src/respond/respond\\.ts$';
const ABOVE_STEPS =
  '^(handlers/|src/(runtime|cli|org)/)|^src/(audit|audit-once|adhoc|deliver|run-start)\\.ts$|^src/undo/run-undo\\.ts$|^src/respond/respond\\.ts$';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'no-two-step-folders-import-each-other',
      comment:
        'Folders point one way: when src/a/ imports src/b/ (directly or through other folders), src/b/ never imports src/a/. Move what both need into the lower one.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/[^/]+$' },
      to: { path: '^src/[^/]+$', circular: true },
    },
    {
      name: 'product-code-does-not-import-the-sandbox',
      severity: 'error',
      from: { path: '^(src|handlers)/', pathNot: '^src/sandbox/' },
      to: { path: '^src/sandbox/' },
    },
    {
      name: 'the-sandbox-imports-no-product-code',
      severity: 'error',
      from: { path: '^src/sandbox/' },
      to: { path: '^(src|handlers|scripts|bench|test)/', pathNot: '^src/sandbox/' },
    },
    {
      name: 'rules-are-pure',
      comment: 'Rules receive their settings and data; they import no AWS client, no config, no handler.',
      severity: 'error',
      from: { path: '^src/evaluate/' },
      to: { path: '^(src/config/|src/aws/|handlers/|src/runtime/)|@aws-sdk/' },
    },
    {
      name: 'src-never-imports-handlers',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^handlers/' },
    },
    {
      name: 'leaves-import-only-leaves',
      severity: 'error',
      from: { path: LEAVES },
      to: { path: '^(src|handlers)/', pathNot: LEAVES },
    },
    {
      name: 'steps-do-not-import-pipelines-or-runtime',
      severity: 'error',
      from: { path: STEPS, pathNot: PIPELINES },
      to: { path: ABOVE_STEPS },
    },
    {
      name: 'pipelines-do-not-import-runtime-or-handlers',
      severity: 'error',
      from: { path: PIPELINES },
      to: { path: '^(handlers/|src/(runtime|cli)/)' },
    },
    {
      name: 'runtime-does-not-import-handlers',
      severity: 'error',
      from: { path: '^src/(runtime|cli)/' },
      to: { path: '^handlers/' },
    },
    {
      name: 'the-agpl-policy-simulator-stays-in-tests',
      comment:
        '@cloud-copilot/iam-simulate is AGPL: tests may use it, the Lambda bundle must never carry it.',
      severity: 'error',
      from: { path: '^(src|handlers)/' },
      to: { path: '@cloud-copilot/' },
    },
    {
      name: 'the-gathering-sits-with-its-consumers',
      comment: 'Whatever gathers from many modules (permission registry, tables) lives in scripts/ or test/.',
      severity: 'error',
      from: { path: '^(src|handlers)/' },
      to: { path: '^(scripts|test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
