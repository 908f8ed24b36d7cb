import { runAuditCommand } from '../src/cli/audit-command.js';

process.exitCode = await runAuditCommand(process.argv.slice(2), process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
