#!/usr/bin/env -S node --max-semi-space-size=1 --max-old-space-size=48
'use strict';
// A 1 MB young generation, which V8 otherwise grows by several MB, keeps a traced run's peak RSS
// about 7 MB lower (bench/collector.ts), for a few more scavenges in a run of under a second.
// A 48 MB old generation makes V8 collect the garbage of a full spool's scan sooner: a run at the
// spool cap peaks at about 72 MB instead of 88 (bench/collector-spool.ts), while its live heap
// stays near 7 MB.
// The bundle (npm run build:collector) is what a Pi runs; without it, tsx runs the source.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '..', 'dist', 'collector.js');
if (existsSync(bundle)) {
  require(bundle);
} else {
  require('tsx/cjs');
  require('../src/main.ts');
}
