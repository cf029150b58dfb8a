// Runs Prism's mock server on Twilio's own OpenAPI description of the
// 2010-04-01 API, validating every request against it (--errors: a
// request that breaks the description is answered 422), on a free
// loopback port that Prism prints as "Prism is listening on <url>".
// It stops Prism when its standard input closes, that is when the Go test
// binary that started it has exited, so no Prism outlives its tests.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const spec = path.join(here, 'node_modules/@twilio/cli-core/src/services/twilio-api/twilio_api_v2010.json');
const cli = path.join(here, 'node_modules/@stoplight/prism-cli/dist/index.js');

const prism = spawn(process.execPath, [cli, 'mock', spec, '--host', '127.0.0.1', '--port', '0', '--errors'], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
const stop = () => prism.kill('SIGTERM');
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
prism.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
