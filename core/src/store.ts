import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  UpdateCommand,
  paginateQuery,
} from '@aws-sdk/lib-dynamodb';
import { type BucketRef, AggregateStore } from './aggregate-store';
import type { Aggregate } from './aggregates';
import { backoffMs, runConcurrently, sleep } from './concurrency';
import { PartialWriteError, StoreUnavailableError } from './errors';
import type { Heartbeat } from './heartbeat';
import {
  type DeviceRun,
  type HeartbeatPutResult,
  type SensorStatusRecord,
  HeartbeatStore,
} from './heartbeat-store';
import type { Reading } from './reading';
import { readingId } from './reading';
import {
  type AggregatePeriod,
  type SensorRef,
  SENSORS_PK,
  bucketOf,
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
  /**
   * The duplicates whose room or values differ from the reading stored first under the same id.
   * The first stored reading wins and is kept unchanged.
   */
  conflicts: Reading[];
}

export interface TimeRange {
  from: Date;
  to: Date;
}

export interface StoreOptions {
  /**
   * Parallel writes per batch; 10 unless set: enough to finish 100 readings quickly without
   * starting a throttling storm on a fresh on-demand table.
   */
  writeConcurrency?: number;
  /** Attempts of a BatchGetItem that DynamoDB keeps answering with UnprocessedKeys; 6 unless set. */
  batchGetAttempts?: number;
  /** The first backoff before retrying unprocessed keys, doubled per attempt, in ms; 50 unless set. */
  backoffBaseMs?: number;
}

// BatchGetItem takes at most 100 keys per request.
const BATCH_GET_LIMIT = 100;

/** Reads and writes readings in the hometemp table; see `table.ts` for the key design. */
export class ReadingStore {
  private readonly aggregates: AggregateStore;
  private readonly heartbeats: HeartbeatStore;
  private readonly options: Required<StoreOptions>;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: StoreOptions = {},
  ) {
    this.aggregates = new AggregateStore(client, tableName);
    this.heartbeats = new HeartbeatStore(client, tableName);
    this.options = {
      writeConcurrency: options.writeConcurrency ?? 10,
      batchGetAttempts: options.batchGetAttempts ?? 6,
      backoffBaseMs: options.backoffBaseMs ?? 50,
    };
  }

  /**
   * Writes each reading unless one with the same key (device, sensor, takenAt) exists, brings the
   * hourly and daily aggregates of every touched bucket up to date, then moves each sensor's
   * latest reading forward. Safe to call again with the same readings: that stores nothing and
   * repairs the aggregates of their buckets.
   *
   * @throws StoreUnavailableError when DynamoDB keeps returning unprocessed keys; SDK errors
   *   (throttling after the client's own retries, network) pass through unchanged.
   */
  async putReadings(readings: Reading[], receivedAt = new Date()): Promise<PutResult> {
    const result: PutResult = { stored: [], duplicates: [], conflicts: [] };
    const firstById = new Map<string, Reading>();
    for (const reading of readings) {
      const first = firstById.get(readingId(reading));
      if (first) this.addDuplicate(result, reading, first);
      else firstById.set(readingId(reading), reading);
    }

    const existing = await this.findStored([...firstById.values()]);
    const candidates: Reading[] = [];
    for (const [id, reading] of firstById) {
      const stored = existing.get(id);
      if (stored) this.addDuplicate(result, reading, stored);
      else candidates.push(reading);
    }

    try {
      await runConcurrently(candidates, this.options.writeConcurrency, async (reading) => {
        const stored = await this.putIfAbsent(reading, receivedAt);
        if (stored) result.stored.push(reading);
        else result.duplicates.push(reading);
      });
    } catch (error) {
      throw new PartialWriteError<Reading>(
        `stored ${result.stored.length} of ${candidates.length} new readings before a write failed`,
        result.stored,
        { cause: error },
      );
    }

    // Duplicates count too: a retry after a failed batch must finish its aggregates and latest.
    const written = [...result.stored, ...result.duplicates];
    await this.refreshAggregates(written);
    await Promise.all(newestPerSensor(written).map((reading) => this.advanceLatest(reading)));

    return result;
  }

  /** Returns one sensor's hourly or daily aggregates whose bucket starts within the range. */
  async queryAggregates(
    sensor: SensorRef,
    period: AggregatePeriod,
    range: TimeRange,
  ): Promise<Aggregate[]> {
    return this.aggregates.query(sensor, period, range);
  }

  /** Keeps a collector run's heartbeat: the device's last run and each sensor's status. */
  async putHeartbeat(heartbeat: Heartbeat, receivedAt = new Date()): Promise<HeartbeatPutResult> {
    return this.heartbeats.put(heartbeat, receivedAt);
  }

  /** Lists every device's last collector run. */
  async listDeviceRuns(): Promise<DeviceRun[]> {
    return this.heartbeats.listDeviceRuns();
  }

  /** Lists every sensor's last reported status. */
  async listSensorStatuses(): Promise<SensorStatusRecord[]> {
    return this.heartbeats.listSensorStatuses();
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

  private addDuplicate(result: PutResult, reading: Reading, stored: Pick<Reading, 'room' | 'temperature' | 'humidity'>) {
    result.duplicates.push(reading);
    const same =
      reading.room === stored.room &&
      reading.temperature === stored.temperature &&
      reading.humidity === stored.humidity;
    if (!same) result.conflicts.push(reading);
  }

  /** Reads which of the readings are stored already (strongly consistent), keyed by reading id. */
  private async findStored(readings: Reading[]): Promise<Map<string, Reading>> {
    const found = new Map<string, Reading>();
    for (let start = 0; start < readings.length; start += BATCH_GET_LIMIT) {
      let keys: Record<string, unknown>[] = readings
        .slice(start, start + BATCH_GET_LIMIT)
        .map((reading) => ({ pk: sensorPk(reading), sk: readingSk(reading.takenAt) }));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt === this.options.batchGetAttempts) {
          throw new StoreUnavailableError(
            `DynamoDB left ${keys.length} keys unprocessed after ${attempt} BatchGetItem attempts`,
          );
        }
        if (attempt > 0) await sleep(backoffMs(attempt, this.options.backoffBaseMs));

        const output = await this.client.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } },
          }),
        );
        for (const item of output.Responses?.[this.tableName] ?? []) {
          const reading = itemToReading(item);
          found.set(readingId(reading), reading);
        }
        keys = output.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }

    return found;
  }

  private async refreshAggregates(readings: Reading[]): Promise<void> {
    const hours = distinctBuckets(readings, (reading) => bucketOf('hour', reading.takenAt));
    await runConcurrently(hours, this.options.writeConcurrency, (ref) =>
      this.aggregates.refreshHour(ref),
    );

    // Days after hours: a day is combined from its hourly items.
    const days = distinctBuckets(readings, (reading) => bucketOf('day', reading.takenAt));
    await runConcurrently(days, this.options.writeConcurrency, (ref) =>
      this.aggregates.refreshDay(ref),
    );
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

function distinctBuckets(readings: Reading[], bucketOfReading: (reading: Reading) => string) {
  const buckets = new Map<string, BucketRef>();
  for (const reading of readings) {
    const bucket = bucketOfReading(reading);
    const key = `${sensorRegistrySk(reading)}#${bucket}`;
    buckets.set(key, { deviceId: reading.deviceId, sensorId: reading.sensorId, bucket });
  }
  return [...buckets.values()];
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
