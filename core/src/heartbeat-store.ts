import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { Heartbeat, RunOutcome, SensorStatus } from './heartbeat';
import { DEVICES_PK, SENSOR_STATUS_PK, sensorRegistrySk } from './table';

/** A device's most recent collector run, from its heartbeat. */
export interface DeviceRun {
  deviceId: string;
  runId: string;
  startedAt: string;
  finishedAt: string;
  outcome: RunOutcome;
  collectorVersion: string;
  spool: { depth: number; dropped: number };
  receivedAt: string;
}

/** A sensor's status as its device's most recent run reported it. */
export interface SensorStatusRecord {
  deviceId: string;
  sensorId: string;
  room: string;
  status: SensorStatus;
  rejections: Record<string, number>;
  runId: string;
  finishedAt: string;
  receivedAt: string;
}

/** What storing a heartbeat did. */
export interface HeartbeatPutResult {
  /** False when the device already reported a run that finished later; nothing was written. */
  latest: boolean;
  /** True when this run (same `runId`) was stored before: a retry of the same heartbeat. */
  repeated: boolean;
}

// Only a run that finished at or after the stored one replaces it; an equal time lets a
// retried heartbeat rewrite the same values, which repairs a write cut short by a crash.
const NEWER_RUN = 'attribute_not_exists(#finishedAt) OR #finishedAt <= :finishedAt';

export class HeartbeatStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Keeps the device's last run and each reported sensor's status, newest run wins. */
  async put(heartbeat: Heartbeat, receivedAt: Date): Promise<HeartbeatPutResult> {
    const { deviceId, runId, startedAt, finishedAt, outcome, collectorVersion, spool } = heartbeat;
    const run: DeviceRun = {
      deviceId,
      runId,
      startedAt,
      finishedAt,
      outcome,
      collectorVersion,
      spool,
      receivedAt: receivedAt.toISOString(),
    };
    const previous = await this.putIfNewer({ pk: DEVICES_PK, sk: deviceId, ...run });
    if (previous === false) return { latest: false, repeated: false };

    await Promise.all(
      heartbeat.sensors.map((sensor) =>
        this.putIfNewer({
          pk: SENSOR_STATUS_PK,
          sk: sensorRegistrySk({ deviceId, sensorId: sensor.sensorId }),
          deviceId,
          ...sensor,
          runId,
          finishedAt,
          receivedAt: run.receivedAt,
        }),
      ),
    );

    return { latest: true, repeated: previous?.runId === runId };
  }

  /** Lists every device's last run. */
  async listDeviceRuns(): Promise<DeviceRun[]> {
    return (await this.queryPartition(DEVICES_PK)) as unknown as DeviceRun[];
  }

  /** Lists every sensor's last reported status. */
  async listSensorStatuses(): Promise<SensorStatusRecord[]> {
    return (await this.queryPartition(SENSOR_STATUS_PK)) as unknown as SensorStatusRecord[];
  }

  /** Returns the replaced item (undefined when there was none), or false when a newer exists. */
  private async putIfNewer(
    item: Record<string, unknown> & { finishedAt: string },
  ): Promise<Record<string, unknown> | undefined | false> {
    try {
      const { Attributes } = await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: NEWER_RUN,
          ExpressionAttributeNames: { '#finishedAt': 'finishedAt' },
          ExpressionAttributeValues: { ':finishedAt': item.finishedAt },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return Attributes;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async queryPartition(pk: string): Promise<Record<string, unknown>[]> {
    const pages = paginateQuery(
      { client: this.client },
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: { ':pk': pk },
      },
    );
    const items: Record<string, unknown>[] = [];
    for await (const page of pages) {
      for (const { pk: _pk, sk: _sk, ...rest } of page.Items ?? []) items.push(rest);
    }

    return items;
  }
}
