import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, idSchema } from '../../core/src/index';

/** A device registered with the local API gateway: its id and its API key. */
export interface LocalDevice {
  deviceId: string;
  apiKey: string;
  /** The key's id, sent in `requestContext.identity.apiKeyId`; ingest maps it to the device. */
  apiKeyId: string;
}

const devicesSchema = z
  .array(
    z.strictObject({
      deviceId: idSchema,
      apiKey: z.string().min(20, { message: 'must be at least 20 characters' }),
      apiKeyId: z.string().min(1),
    }),
    { message: 'must be a JSON array of devices, each {"deviceId", "apiKey", "apiKeyId"}' },
  )
  .min(1, { message: 'must list at least one device' })
  .superRefine((devices, context) => {
    for (const field of ['deviceId', 'apiKey', 'apiKeyId'] as const) {
      const seen = new Set<string>();
      devices.forEach((device, index) => {
        if (seen.has(device[field])) {
          context.addIssue({ code: 'custom', path: [index, field], message: 'is used by an earlier device' });
        }
        seen.add(device[field]);
      });
    }
  });

/** Returns the path of the devices file in `dataDir`. */
export const devicesFile = (dataDir: string) => path.join(dataDir, 'devices.json');

/**
 * The three simulated Pis, one room each. A device in the devices file that is not listed here
 * gets no simulated collector, so a collector of your own can use its key.
 */
export const SIMULATED_DEVICES = [
  { deviceId: 'pi-living', sensorId: 'living-dht11', room: 'Living room', startOffset: 0 },
  { deviceId: 'pi-bedroom', sensorId: 'bedroom-dht11', room: 'Bedroom', startOffset: 1 / 3 },
  { deviceId: 'pi-attic', sensorId: 'attic-dht11', room: 'Attic', startOffset: 2 / 3 },
] as const;

/** Makes fresh random API keys for the simulated devices. */
export function generateDevices(): LocalDevice[] {
  return SIMULATED_DEVICES.map(({ deviceId }) => ({
    deviceId,
    // API Gateway keys are 20+ characters; 30 random base64url characters is in that style.
    apiKey: randomBytes(24).toString('base64url'),
    apiKeyId: `local-${deviceId}`,
  }));
}

/**
 * Reads the devices file in `dataDir`, or writes one with new keys when there is none, so the
 * collectors' spools and the gateway agree on keys across restarts.
 */
export async function loadOrCreateDevices(dataDir: string): Promise<LocalDevice[]> {
  const file = devicesFile(dataDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const devices = generateDevices();
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, `${JSON.stringify(devices, null, 2)}\n`, { mode: 0o600 });
    return devices;
  }

  let json: unknown;
  try {
    // An editor may have saved the file with a UTF-8 byte order mark, which JSON.parse rejects.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ConfigError(
      `${file} is not valid JSON (${(error as Error).message}); fix it, or delete it and the next start writes a new one`,
    );
  }
  const parsed = devicesSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  ${formatPath(issue.path)} ${issue.message}`,
    );
    throw new ConfigError(
      `${file} is not a valid devices list; fix it, or delete it and the next start writes a new one:\n${problems.join('\n')}`,
    );
  }

  return parsed.data;
}

// [1, 'apiKey'] reads as `[1].apiKey`, the way the entry is found in the file.
function formatPath(path: PropertyKey[]): string {
  if (path.length === 0) return 'the list';
  return path
    .map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))
    .join('')
    .replace(/^\./, '');
}
