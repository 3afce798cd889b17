#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, which the project already depends on.
require('tsx/cjs');
const { runCli } = require('../src/cli.ts');

runCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
}).then((code) => {
  process.exitCode = code;
});
