import { runAuditCommand } from '../src/cli/audit-command.js';

// The SDK's notice about future Node versions is noise on an operator's terminal (the Lambda sets the same).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

process.exitCode = await runAuditCommand(process.argv.slice(2), process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
