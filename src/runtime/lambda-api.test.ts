import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A synthetic API Gateway HTTP API (payload v2) event, as Lambda receives it.
function httpApiEvent(method: string, path: string, options: { query?: string; body?: string } = {}) {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: options.query ?? '',
    headers: { host: 'api.example.test', 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'api.example.test',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'vitest' },
      requestId: 'req-1',
      routeKey: '$default',
      stage: '$default',
      time: '26/Nov/2026:07:00:00 +0000',
      timeEpoch: 1795676400000,
    },
    body: options.body,
    isBase64Encoded: false,
  } as unknown as LambdaEvent;
}

const context = { awsRequestId: 'aws-1', functionName: 'engify-api' } as unknown as LambdaContext;

describe('lambda-api handler', () => {
  let dataDir: string;
  let handler: (event: LambdaEvent, context: LambdaContext) => Promise<unknown>;
  let shutdown: () => Promise<void>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'engify-lambda-'));
    process.env.DATA_DIR = dataDir;
    process.env.CONTENT_DIR = 'test/fixtures/content';
    ({ handler, shutdown } = await import('./lambda-api.js'));
  });
  afterAll(async () => {
    await shutdown();
    delete process.env.DATA_DIR;
    delete process.env.CONTENT_DIR;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers /api/health through the API Gateway adapter', async () => {
    const result = (await handler(httpApiEvent('GET', '/api/health'), context)) as {
      statusCode: number;
      body: string;
      headers: Record<string, string>;
    };
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ status: 'ok', store: 'sqlite' });
    expect(result.headers['x-request-id']).toBeTruthy();
  });

  it('passes query strings and bodies through, and maps errors', async () => {
    const list = (await handler(
      httpApiEvent('GET', '/api/prompts', { query: 'category=debugging' }),
      context,
    )) as {
      statusCode: number;
      body: string;
    };
    expect(list.statusCode).toBe(200);
    expect(JSON.parse(list.body).total).toBe(2);

    const render = (await handler(
      httpApiEvent('POST', '/api/prompts/flaky-test/render', { body: JSON.stringify({ variables: {} }) }),
      context,
    )) as { statusCode: number; body: string };
    expect(render.statusCode).toBe(400);
    expect(JSON.parse(render.body).error.code).toBe('missing_variables');
  });
});
