import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, idSchema } from '../../core/src/index';

/** A simulated Pi as the local API gateway knows it: its device id and its API key. */
export interface LocalDevice {
  deviceId: string;
  apiKey: string;
  /** What API Gateway puts in `requestContext.identity.apiKeyId`; ingest maps it to the device. */
  apiKeyId: string;
}

const devicesSchema = z.array(
  z.strictObject({
    deviceId: idSchema,
    apiKey: z.string().min(20),
    apiKeyId: z.string().min(1),
  }),
);

/** The three simulated Pis, one room each. */
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
  const file = path.join(dataDir, 'devices.json');
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

  const parsed = devicesSchema.safeParse(parseJson(text));
  if (!parsed.success) {
    const problem = parsed.error.issues[0];
    throw new ConfigError(
      `${file} is not a valid devices list (${problem?.path.join('.')}: ${problem?.message}); delete it and the next start writes a new one`,
    );
  }

  return parsed.data;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
