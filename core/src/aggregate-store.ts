/**
 * Hourly and daily aggregates, recomputed from what is stored rather than incremented.
 *
 * After its readings are written, a writer re-reads every hour it touched (a strongly consistent
 * Query of that hour's raw readings) and puts the hour's aggregate only if its `count` is larger
 * than the stored one; then it does the same for each touched day from that day's hourly items.
 * Raw readings are never overwritten or deleted, so a bucket's set of readings only grows: a
 * larger count was computed from a later superset, and an equal count from the same set. The
 * writer whose write finished last re-reads after every other write, so the largest count, which
 * the condition keeps, is the complete one, whatever the order of concurrent writers. Replaying a
 * batch recomputes its buckets again, which repairs an aggregate that a crash left behind.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import {
  type Aggregate,
  type Measurement,
  bucketStart,
  combineAggregates,
  summarizeReadings,
} from './aggregates';
import { type AggregatePeriod, type SensorRef, aggregateSk, readingSk, sensorPk } from './table';

/** One bucket of one sensor that a write touched. */
export interface BucketRef extends SensorRef {
  bucket: string;
}

interface StoredMeasurement extends Measurement {
  room: string;
  count?: number;
}

export class AggregateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Recomputes one hour from its raw readings; returns whether the stored aggregate changed. */
  async refreshHour(ref: BucketRef): Promise<boolean> {
    const start = bucketStart('hour', ref.bucket);
    const readings = await this.queryItems(
      ref,
      readingSk(start),
      readingSk(`${ref.bucket}:59:59.999Z`),
    );
    if (readings.length === 0) return false;

    const last = readings[readings.length - 1]!;
    return this.putIfLarger({
      ...this.identity(ref, 'hour', start, last.room),
      ...summarizeReadings(readings),
    });
  }

  /** Recomputes one day from its hourly aggregates; returns whether the stored one changed. */
  async refreshDay(ref: BucketRef): Promise<boolean> {
    const hours = (await this.queryItems(
      ref,
      aggregateSk('hour', `${ref.bucket}T00`),
      aggregateSk('hour', `${ref.bucket}T23`),
    )) as unknown as Aggregate[];
    if (hours.length === 0) return false;

    const last = hours[hours.length - 1]!;
    return this.putIfLarger({
      ...this.identity(ref, 'day', bucketStart('day', ref.bucket), last.room),
      ...combineAggregates(hours),
    });
  }

  /** Returns one sensor's aggregates whose bucket starts within `from..to`, oldest first. */
  async query(
    sensor: SensorRef,
    period: AggregatePeriod,
    range: { from: Date; to: Date },
  ): Promise<Aggregate[]> {
    const bucketLength = period === 'hour' ? 13 : 10;
    const items = await this.queryItems(
      sensor,
      aggregateSk(period, range.from.toISOString().slice(0, bucketLength)),
      aggregateSk(period, range.to.toISOString().slice(0, bucketLength)),
      false,
    );

    return items.map((item) => toAggregate(item as unknown as Aggregate));
  }

  private identity(ref: BucketRef, period: AggregatePeriod, start: string, room: string) {
    return { deviceId: ref.deviceId, sensorId: ref.sensorId, room, period, start };
  }

  private async queryItems(
    sensor: SensorRef,
    fromSk: string,
    toSk: string,
    consistentRead = true,
  ): Promise<StoredMeasurement[]> {
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        ConsistentRead: consistentRead,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
        ExpressionAttributeValues: { ':pk': sensorPk(sensor), ':from': fromSk, ':to': toSk },
      },
    );
    const items: StoredMeasurement[] = [];
    for await (const page of pages) items.push(...((page.Items ?? []) as StoredMeasurement[]));

    return items;
  }

  private async putIfLarger(aggregate: Aggregate): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: sensorPk(aggregate),
            sk: aggregateSk(aggregate.period, aggregate.start.slice(0, aggregate.period === 'hour' ? 13 : 10)),
            ...aggregate,
          },
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :count',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':count': aggregate.count },
        }),
      );
      return true;
    } catch (error) {
      // Another writer already stored this bucket computed from as many or more readings.
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

function toAggregate(item: Aggregate): Aggregate {
  const { deviceId, sensorId, room, period, start, count, temperature, humidity } = item;
  return { deviceId, sensorId, room, period, start, count, temperature, humidity };
}
