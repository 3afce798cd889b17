import { type Browser, chromium } from 'playwright-core';

// Debian's Chromium, started so it makes no connection of its own: this machine reaches only
// loopback, and background networking would fill the log with refused connections.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless Chromium from `/usr/bin/chromium` (Debian package `chromium`). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}
