import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  PutCommand,
  UpdateCommand,
  paginateQuery,
} from '@aws-sdk/lib-dynamodb';
import type { Reading } from './reading';
import {
  type SensorRef,
  SENSORS_PK,
  itemToReading,
  readingSk,
  readingToItem,
  sensorPk,
  sensorRegistrySk,
} from './table';

/** A sensor as the overview lists it: where it is and its most recent reading. */
export interface SensorSummary extends SensorRef {
  room: string;
  latest: Reading;
}

export interface PutResult {
  stored: Reading[];
  /** Readings whose id was already in the table; they were not written again. */
  duplicates: Reading[];
}

export interface TimeRange {
  from: Date;
  to: Date;
}

// Parallel conditional puts per batch: enough to finish 100 readings quickly without
// starting a throttling storm on a fresh on-demand table.
const WRITE_CONCURRENCY = 10;

/** Reads and writes readings in the hometemp table; see `table.ts` for the key design. */
export class ReadingStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Writes each reading unless one with the same key (device, sensor, takenAt) exists, then moves
   * each sensor's latest reading forward. Safe to call again with the same readings.
   */
  async putReadings(readings: Reading[], receivedAt = new Date()): Promise<PutResult> {
    const result: PutResult = { stored: [], duplicates: [] };
    const queue = [...readings];
    const worker = async () => {
      for (let reading = queue.shift(); reading; reading = queue.shift()) {
        const stored = await this.putIfAbsent(reading, receivedAt);
        (stored ? result.stored : result.duplicates).push(reading);
      }
    };
    await Promise.all(Array.from({ length: WRITE_CONCURRENCY }, worker));

    await Promise.all(newestPerSensor(result.stored).map((reading) => this.advanceLatest(reading)));

    return result;
  }

  /**
   * Returns one sensor's readings with `from <= takenAt <= to`, oldest first, following every
   * page. `pageSize` caps the items per request (DynamoDB itself stops a page at 1 MB).
   */
  async queryReadings(
    sensor: SensorRef,
    range: TimeRange,
    options: { pageSize?: number } = {},
  ): Promise<Reading[]> {
    const pages = paginateQuery(
      { client: this.client, pageSize: options.pageSize },
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: {
          ':pk': sensorPk(sensor),
          ':from': readingSk(range.from.toISOString()),
          ':to': readingSk(range.to.toISOString()),
        },
      },
    );
    const readings: Reading[] = [];
    for await (const page of pages) {
      for (const item of page.Items ?? []) readings.push(itemToReading(item));
    }

    return readings;
  }

  /** Lists every sensor that has reported, with its latest reading. */
  async listSensors(): Promise<SensorSummary[]> {
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: { ':pk': SENSORS_PK },
      },
    );
    const sensors: SensorSummary[] = [];
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        const latest = itemToReading(item);
        sensors.push({
          deviceId: latest.deviceId,
          sensorId: latest.sensorId,
          room: latest.room,
          latest,
        });
      }
    }

    return sensors;
  }

  private async putIfAbsent(reading: Reading, receivedAt: Date): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: readingToItem(reading, receivedAt),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': 'pk' },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async advanceLatest(reading: Reading): Promise<void> {
    const { deviceId, sensorId, room, takenAt, temperature, humidity, raw } = reading;
    const fields = { deviceId, sensorId, room, takenAt, temperature, humidity, raw };
    const present = Object.entries(fields).filter(([, value]) => value !== undefined);
    // A reading without an offset must not keep the previous reading's raw values.
    const removeRaw = raw === undefined ? ' REMOVE #raw' : '';
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: SENSORS_PK, sk: sensorRegistrySk(reading) },
          UpdateExpression:
            `SET ${present.map(([name]) => `#${name} = :${name}`).join(', ')}` + removeRaw,
          ConditionExpression: 'attribute_not_exists(#takenAt) OR #takenAt < :takenAt',
          ExpressionAttributeNames: {
            ...Object.fromEntries(present.map(([name]) => [`#${name}`, name])),
            ...(removeRaw && { '#raw': 'raw' }),
          },
          ExpressionAttributeValues: Object.fromEntries(
            present.map(([name, value]) => [`:${name}`, value]),
          ),
        }),
      );
    } catch (error) {
      // A newer reading is already the latest: nothing to move.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

function newestPerSensor(readings: Reading[]): Reading[] {
  const newest = new Map<string, Reading>();
  for (const reading of readings) {
    const key = sensorRegistrySk(reading);
    const current = newest.get(key);
    if (!current || current.takenAt < reading.takenAt) newest.set(key, reading);
  }
  return [...newest.values()];
}
