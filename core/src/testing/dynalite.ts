import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import { createDocumentClient, ensureTable } from '../dynamodb';
import { ReadingStore } from '../store';

export interface LocalDynamo {
  endpoint: string;
  close(): Promise<void>;
}

/**
 * Starts dynalite on a free loopback port: in memory, or kept in `path` across restarts.
 * `createTableMs` 0 makes new tables ACTIVE at once, as tests and the local stack want.
 */
export async function startDynalite(options: { path?: string } = {}): Promise<LocalDynamo> {
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    // The SDK keeps idle connections open; without closing them, close() waits for their
    // keep-alive timeout (5 s by default).
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Starts an in-memory dynalite with a fresh hometemp table and returns a store over it. */
export async function startTestStore(tableName = 'hometemp-test') {
  const dynamo = await startDynalite();
  const client = createDocumentClient({ endpoint: dynamo.endpoint });
  await ensureTable(client, tableName);
  const store = new ReadingStore(client, tableName);

  return { dynamo, client, store, tableName };
}
