import { parentPort, workerData } from 'node:worker_threads';
import { type FleetSettings, SubscriberFleet } from './event-clients.js';

/** One thread's share of the subscribers, driven by `bench/event-fleet.ts` over messages. */
type Command = { id: number; cmd: 'connect' | 'state' | 'start' | 'end' | 'close' };

const port = parentPort;
if (!port) throw new Error('event-client-worker runs as a worker thread');
const fleet = new SubscriberFleet(workerData as FleetSettings);

port.on('message', (message: Command) => {
  const reply = (result: unknown, transfer: ArrayBuffer[] = []) =>
    port.postMessage({ id: message.id, result }, transfer);
  const fail = (error: unknown) =>
    port.postMessage({
      id: message.id,
      error: error instanceof Error ? error.message : String(error),
    });
  switch (message.cmd) {
    case 'connect':
      fleet.connect().then(() => reply(null), fail);
      break;
    case 'state':
      reply(fleet.state());
      break;
    case 'start':
      fleet.startWindow();
      reply(null);
      break;
    case 'end': {
      const result = fleet.endWindow();
      reply(result, [result.latenciesMs.buffer as ArrayBuffer]);
      break;
    }
    case 'close':
      fleet.close().then(() => reply(null), fail);
      break;
  }
});
