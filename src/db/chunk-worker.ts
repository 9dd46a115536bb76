import { parentPort } from 'node:worker_threads';
import { contactChunks } from '../demo/chunks.js';
import { encodeChunk } from './bulk-rows.js';
import type { FromWorker, ToWorker, WorkerTask } from './chunk-source.js';

/**
 * Generates and encodes its share of a workspace's chunks off the main thread, at most
 * `task.ahead` beyond what the loader has taken, so generation overlaps with the server
 * ingesting earlier chunks. Waits for the next task when done.
 */
const port = parentPort;
if (!port) throw new Error('chunk-worker runs only as a worker thread');
const send = (message: FromWorker) => port.postMessage(message);

let credit = 0;
let wake: (() => void) | undefined;
port.on('message', (message: ToWorker) => {
  if ('task' in message) void run(message.task);
  else credit += 1;
  wake?.();
});

async function run(task: WorkerTask) {
  credit = task.ahead;
  const { seed, workspace, size, chunkSize } = task.spec;
  const share = { first: task.first, stride: task.stride };
  for (const chunk of contactChunks(seed, workspace, size, chunkSize, share)) {
    while (credit <= 0) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    credit -= 1;
    send({ chunk: encodeChunk(chunk, task.workspaceId, task.ids) });
  }
  send({ done: true });
}
