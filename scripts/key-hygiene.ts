/**
 * The `key-hygiene` command (bin/key-hygiene.js; `npm run audit` is `key-hygiene audit`). It joins
 * the product's command line with the sandbox's, which product code may not import.
 */
import { forgetEmptyRegion } from '../src/cli/aws-session.js';
import { runCli } from '../src/cli/program.js';
import { runSandboxCli } from '../src/sandbox/run-cli.js';

// The SDK's notice about future Node versions is noise on an operator's terminal (the Lambda sets the same).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

forgetEmptyRegion(process.env);

process.exitCode = await runCli(
  process.argv.slice(2),
  process.env,
  {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    terminal: { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
  },
  { sandbox: runSandboxCli },
);
