import './datadog-env';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAdaptorServer } from '@hono/node-server';
import type { DestinationStream } from 'pino';
import {
  ConfigError,
  ReadingStore,
  type Service,
  createDocumentClient,
  createLogger,
  ensureTable,
} from '../../core/src/index';
import { startDynalite } from '../../core/src/testing/dynalite';
import { startSimulatedCollector } from '../../device/src/index';
import { createApp } from '../../frontend/src/index';
import { createIngestHandler } from '../../ingest/src/index';
import { type ProxyHandler, createApiGateway } from './api-gateway';
import { lockDataDir } from './data-dir-lock';
import { devicesFile } from './devices';
import {
  type LocalDevice,
  SIMULATED_DEVICES,
  loadOrCreateDevices,
} from './devices';

export interface LocalStackOptions {
  host: string;
  /** 0 picks a free port. */
  dashboardPort: number;
  apiPort: number;
  /** Folder for DynamoDB data, device keys and collector state; a temporary one when absent. */
  dataDir?: string;
  recordingPath: string;
  backfillDays: number;
  intervalMs: number;
  logLevel: string;
  /** Destination of every part's log lines; stdout when absent. */
  logDestination?: DestinationStream;
}

export interface LocalStack {
  dashboardUrl: string;
  apiUrl: string;
  devices: LocalDevice[];
  /** The devices file with each simulated Pi's API key, for pointing a collector of your own. */
  devicesFile: string;
  stop(): Promise<void>;
}

const TABLE_NAME = 'hometemp';

/**
 * Starts dynalite, the ingest handler behind a local API gateway, the frontend and three
 * simulated collectors. `stop()` ends all of them, in the reverse order.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const loggerOf = (service: Service) =>
    createLogger({ service, level: options.logLevel, destination: options.logDestination });
  const logger = loggerOf('local');
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step();
  };

  try {
    if (options.dataDir) stops.push(await lockDataDir(options.dataDir));
    const stateDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'hometemp-')));
    if (!options.dataDir) stops.push(() => rm(stateDir, { recursive: true, force: true }));

    const dynamoPath = options.dataDir && path.join(options.dataDir, 'dynamodb');
    if (dynamoPath) await mkdir(dynamoPath, { recursive: true });
    const dynamo = await startDynalite({ path: dynamoPath });
    stops.push(() => dynamo.close());
    const client = createDocumentClient({ endpoint: dynamo.endpoint });
    stops.push(async () => client.destroy());
    await ensureTable(client, TABLE_NAME);
    const store = new ReadingStore(client, TABLE_NAME);

    const devices = await loadOrCreateDevices(stateDir);
    const handler = createIngestHandler({
      client,
      tableName: TABLE_NAME,
      config: { deviceKeys: Object.fromEntries(devices.map((d) => [d.apiKeyId, d.deviceId])) },
      logger: loggerOf('ingest'),
    }) as ProxyHandler;
    const gateway = createApiGateway({ devices, handler, logger });
    const apiPort = await listen(gateway.server, options.apiPort, options.host);
    stops.push(async () => {
      // A request the collectors gave up on is still being handled by ingest: let it finish
      // before DynamoDB goes away.
      await close(gateway.server);
      await gateway.idle();
    });
    const apiUrl = httpUrl(options.host, apiPort);

    const app = createApp({ store, logger: loggerOf('frontend') });
    const dashboard = createAdaptorServer({ fetch: app.fetch }) as Server;
    const dashboardPort = await listen(dashboard, options.dashboardPort, options.host);
    stops.push(() => close(dashboard));

    for (const simulated of SIMULATED_DEVICES) {
      const device = devices.find((entry) => entry.deviceId === simulated.deviceId);
      if (!device) {
        logger.warn({ device_id: simulated.deviceId }, 'device not in the devices file; not simulated');
        continue;
      }
      const collector = await startSimulatedCollector({
        deviceId: device.deviceId,
        apiKey: device.apiKey,
        endpoint: apiUrl,
        sensors: [
          {
            sensorId: simulated.sensorId,
            room: simulated.room,
            csvPath: options.recordingPath,
            startOffset: simulated.startOffset,
          },
        ],
        stateDir: path.join(stateDir, 'collectors', device.deviceId),
        backfillDays: options.backfillDays,
        intervalMs: options.intervalMs,
        logger: loggerOf('device'),
      });
      stops.push(() => collector.stop());
    }

    return {
      dashboardUrl: httpUrl(options.host, dashboardPort),
      apiUrl,
      devices,
      devicesFile: devicesFile(stateDir),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Listens on `port` (0: a free one) and returns the port, or rejects naming the port in use. */
async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new ConfigError(`port ${port} on ${host} is already in use; choose another with --port or --api-port`)
          : error,
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });

  return (server.address() as AddressInfo).port;
}

/** Builds the URL of a loopback server; an IPv6 address goes in brackets. */
function httpUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
