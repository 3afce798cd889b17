import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { readingSchema } from './reading';
import { startTestStore } from './testing/dynalite';

let harness: Awaited<ReturnType<typeof startTestStore>>;

beforeAll(async () => {
  harness = await startTestStore();
});

afterAll(async () => {
  await harness.dynamo.close();
});

const at = (minutes: number) => new Date(Date.UTC(2026, 0, 31, 0, minutes)).toISOString();

const makeReading = (sensorId: string, minutes: number, temperature = 20) =>
  readingSchema.parse({
    deviceId: 'pi-hall',
    sensorId,
    room: 'Hall',
    takenAt: at(minutes),
    temperature,
    humidity: 40,
  });

describe('ReadingStore', () => {
  it('stores the same reading once', async () => {
    const reading = makeReading('once', 0);

    const first = await harness.store.putReadings([reading]);
    const second = await harness.store.putReadings([reading, { ...reading, temperature: 30 }]);

    expect(first.stored).toHaveLength(1);
    expect(second.stored).toHaveLength(0);
    expect(second.duplicates).toHaveLength(2);
    const { Item } = await harness.client.send(
      new GetCommand({
        TableName: harness.tableName,
        Key: { pk: 'S#pi-hall#once', sk: 'R#2026-01-31T00:00:00.000Z' },
      }),
    );
    expect(Item?.temperature).toBe(20);
    expect(Item?.id).toBe('5a827150ed0500497fc20053');
  });

  it('queries a range across several pages', async () => {
    const readings = Array.from({ length: 300 }, (_, minute) =>
      makeReading('paged', minute, minute % 40),
    );
    for (let start = 0; start < readings.length; start += 100) {
      await harness.store.putReadings(readings.slice(start, start + 100));
    }

    const found = await harness.store.queryReadings(
      { deviceId: 'pi-hall', sensorId: 'paged' },
      { from: new Date(at(100)), to: new Date(at(259)) },
      { pageSize: 25 },
    );

    expect(found).toHaveLength(160);
    expect(found[0]?.takenAt).toBe('2026-01-31T01:40:00.000Z');
    expect(found[159]?.takenAt).toBe('2026-01-31T04:19:00.000Z');
    expect(found[159]?.temperature).toBe(19);
  });

  it('lists each sensor with its latest reading', async () => {
    await harness.store.putReadings([makeReading('latest', 10, 22), makeReading('latest', 5, 18)]);
    await harness.store.putReadings([makeReading('latest', 7, 19)]);

    const sensors = await harness.store.listSensors();

    const latest = sensors.find((sensor) => sensor.sensorId === 'latest');
    expect(latest?.latest.takenAt).toBe('2026-01-31T00:10:00.000Z');
    expect(latest?.latest.temperature).toBe(22);
    expect(latest?.room).toBe('Hall');
  });
});
