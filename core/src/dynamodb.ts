import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface ClientOptions {
  region?: string;
  /** A local DynamoDB such as dynalite; AWS's regional endpoint when absent. */
  endpoint?: string;
  /** Attempts per request, the first included, for the SDK's standard retry mode; 3 unless set. */
  maxAttempts?: number;
}

/**
 * Creates the document client every part uses. With a local `endpoint` it uses fixed dummy
 * credentials, so the local stack and tests never look for an AWS account.
 */
export function createDocumentClient(options: ClientOptions = {}): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: options.region ?? 'us-east-1',
    ...(options.maxAttempts && { maxAttempts: options.maxAttempts }),
    ...(options.endpoint && {
      endpoint: options.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** Creates the table with hometemp's key schema unless it exists; for local stacks and tests. */
export async function ensureTable(client: DynamoDBDocumentClient, tableName: string) {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  }

  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  await waitUntilActive(client, tableName);
}

async function waitUntilActive(client: DynamoDBDocumentClient, tableName: string) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`table ${tableName} did not become ACTIVE within 5 s`);
}
