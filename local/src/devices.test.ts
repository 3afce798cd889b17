import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadOrCreateDevices } from './devices';

const KEY_A = 'a'.repeat(32);
const KEY_B = 'b'.repeat(32);

function dataDirWith(text?: string): string {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hometemp-devices-'));
  if (text !== undefined) writeFileSync(path.join(dataDir, 'devices.json'), text);
  return dataDir;
}

describe('loadOrCreateDevices', () => {
  it('writes three devices with distinct keys', async () => {
    const dataDir = dataDirWith();

    const devices = await loadOrCreateDevices(dataDir);

    expect(devices.map((device) => device.deviceId)).toEqual(['pi-living', 'pi-bedroom', 'pi-attic']);
    expect(new Set(devices.map((device) => device.apiKey)).size).toBe(3);
    expect(JSON.parse(readFileSync(path.join(dataDir, 'devices.json'), 'utf8'))).toEqual(devices);
  });

  it('keeps the keys across starts', async () => {
    const dataDir = dataDirWith();

    const first = await loadOrCreateDevices(dataDir);
    const second = await loadOrCreateDevices(dataDir);

    expect(second).toEqual(first);
  });

  it('rejects a file that is not JSON', async () => {
    const dataDir = dataDirWith('[{"deviceId": "pi-');

    await expect(loadOrCreateDevices(dataDir)).rejects.toThrow(
      `${dataDir}/devices.json is not valid JSON (`,
    );
  });

  it('rejects an empty list', async () => {
    const dataDir = dataDirWith('[]');

    await expect(loadOrCreateDevices(dataDir)).rejects.toThrow(
      `${dataDir}/devices.json is not a valid devices list; fix it, or delete it and the next start writes a new one:\n  the list must list at least one device`,
    );
  });

  it('rejects an object in place of the list', async () => {
    const dataDir = dataDirWith('{}');

    await expect(loadOrCreateDevices(dataDir)).rejects.toThrow(
      '\n  the list must be a JSON array of devices, each {"deviceId", "apiKey", "apiKeyId"}',
    );
  });

  it('reads a file saved with a byte order mark', async () => {
    const devices = [{ deviceId: 'pi-living', apiKey: KEY_A, apiKeyId: 'local-pi-living' }];
    const dataDir = dataDirWith(`\uFEFF${JSON.stringify(devices)}`);

    await expect(loadOrCreateDevices(dataDir)).resolves.toEqual(devices);
  });

  it('rejects a key used twice', async () => {
    const devices = [
      { deviceId: 'pi-living', apiKey: KEY_A, apiKeyId: 'local-pi-living' },
      { deviceId: 'pi-bedroom', apiKey: KEY_A, apiKeyId: 'local-pi-bedroom' },
      { deviceId: 'pi-attic', apiKey: KEY_B, apiKeyId: 'local-pi-attic' },
    ];
    const dataDir = dataDirWith(JSON.stringify(devices));

    await expect(loadOrCreateDevices(dataDir)).rejects.toThrow('\n  [1].apiKey is used by an earlier device');
  });
});
