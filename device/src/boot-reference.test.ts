import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBootReference, restamp } from './boot-reference';
import type { Clock } from './clock';

const clockAt = (nowMs: number, uptimeMs: number, bootId = 'boot-1'): Clock => ({
  now: () => nowMs, uptimeMs: () => uptimeMs, bootId: () => bootId, synchronised: () => undefined,
});

const entry = {
  reading: { deviceId: 'pi-attic', sensorId: 'attic', room: 'Attic', temperature: 18, humidity: 55 },
  bootId: 'boot-1',
  uptimeMs: 60_000,
};

describe('loadBootReference', () => {
  it('stamps the same time after a crashed run', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'hometemp-boot-'));
    const first = loadBootReference(stateDir, clockAt(Date.UTC(2026, 5, 1, 12), 360_000));

    // The next run starts 7 ms later by both clocks, as after a crash between two writes.
    const second = loadBootReference(stateDir, clockAt(Date.UTC(2026, 5, 1, 12) + 7, 360_003));

    expect(restamp([entry], first).restamped[0]?.takenAt).toBe('2026-06-01T11:55:00.000Z');
    expect(restamp([entry], second).restamped[0]?.takenAt).toBe('2026-06-01T11:55:00.000Z');
  });

  it('estimates again after a reboot', () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'hometemp-boot-'));
    loadBootReference(stateDir, clockAt(Date.UTC(2026, 5, 1, 12), 360_000));

    const reference = loadBootReference(stateDir, clockAt(Date.UTC(2026, 5, 1, 13), 60_000, 'boot-2'));

    expect(reference).toEqual({ bootId: 'boot-2', bootedAtMs: Date.UTC(2026, 5, 1, 12, 59) });
    expect(restamp([entry], reference)).toEqual({ restamped: [], dropped: 1 });
  });
});
