/**
 * Entry point of the `slipway` bundle (packages/cli/dist/slipway.js, imported by bin/slipway.js): runs the
 * command line against the real process and sets the exit code.
 */
import { runCli } from './cli.js';

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  cwd: process.cwd(),
  path: process.env.PATH,
  gcpApiKey: process.env.SLIPWAY_GCP_API_KEY ?? process.env.GOOGLE_API_KEY,
});
// exitCode rather than exit(): stdout may still be draining into a pipe.
process.exitCode = code;
