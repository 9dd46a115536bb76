import autocannon from 'autocannon';
import type { Operation } from './operations.js';
import type { Measurement } from './stats.js';

/**
 * The GraphQL side: autocannon POSTs the operation with rotating variables over keep-alive
 * connections. Latencies come from its per-response event, so both sides use one percentile
 * method; a response with GraphQL errors counts as a failure.
 */
export async function loadHttp(
  url: string,
  apiKey: string,
  operation: Operation,
  seconds: number,
  connections: number,
): Promise<Measurement> {
  const latenciesMs: number[] = [];
  let failures = 0;
  const options: autocannon.Options = {
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          authorization: `Bearer ${apiKey}`,
        },
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({ query: operation.query, variables: operation.variables() }),
        }),
        onResponse: (status, body) => {
          if (status !== 200 || body.includes('"errors"')) failures += 1;
        },
      },
    ],
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error: unknown, done: autocannon.Result) =>
      error ? reject(error) : resolve(done),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latenciesMs.push(responseTime);
    });
  });
  failures += result.errors + result.non2xx;
  return { latenciesMs, seconds: result.duration, failures };
}
