#!/usr/bin/env node
'use strict';
// The bundle (npm run build in device/) is what a Pi runs; in a checkout, tsx runs the source.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '..', 'dist', 'collector.js');
if (existsSync(bundle)) {
  require(bundle);
} else {
  require('tsx/cjs');
  require('../src/main.ts');
}
