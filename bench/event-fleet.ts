import { Worker } from 'node:worker_threads';
import {
  type FleetSettings,
  type FleetState,
  SubscriberFleet,
  type WindowResult,
} from './event-clients.js';

/** The subscribers, in this thread (`threads` 0) or split over worker threads. */
export type Fleet = {
  connect(): Promise<void>;
  state(): Promise<FleetState>;
  startWindow(): Promise<void>;
  endWindow(): Promise<WindowResult>;
  close(): Promise<void>;
};

export function createFleet(settings: FleetSettings, threads: number): Fleet {
  if (threads <= 0) {
    const fleet = new SubscriberFleet(settings);
    return {
      connect: () => fleet.connect(),
      state: async () => fleet.state(),
      startWindow: async () => fleet.startWindow(),
      endWindow: async () => fleet.endWindow(),
      close: () => fleet.close(),
    };
  }
  const workers = Array.from({ length: threads }, (_, i) => {
    const count = Math.floor(settings.count / threads) + (i < settings.count % threads ? 1 : 0);
    return new RemoteFleet({ ...settings, count });
  });
  const all = <T>(f: (w: RemoteFleet) => Promise<T>) => Promise.all(workers.map(f));
  return {
    connect: async () => {
      await all((w) => w.call('connect'));
    },
    state: async () => {
      const states = await all((w) => w.call<FleetState>('state'));
      return states.reduce((a, s) => ({
        connected: a.connected + s.connected,
        primed: a.primed + s.primed,
        open: a.open + s.open,
        received: a.received + s.received,
      }));
    },
    startWindow: async () => {
      await all((w) => w.call('start'));
    },
    endWindow: async () => merge(await all((w) => w.call<WindowResult>('end'))),
    close: async () => {
      await all((w) => w.call('close'));
      await all((w) => w.terminate());
    },
  };
}

function merge(results: WindowResult[]): WindowResult {
  const total = results.reduce((n, r) => n + r.latenciesMs.length, 0);
  const latenciesMs = new Float64Array(total);
  let at = 0;
  const closes: Record<string, number> = {};
  for (const r of results) {
    latenciesMs.set(r.latenciesMs, at);
    at += r.latenciesMs.length;
    for (const [code, n] of Object.entries(r.closes)) closes[code] = (closes[code] ?? 0) + n;
  }
  return {
    latenciesMs,
    unstamped: results.reduce((n, r) => n + r.unstamped, 0),
    errors: results.reduce((n, r) => n + r.errors, 0),
    closes,
  };
}

class RemoteFleet {
  private readonly worker: Worker;
  private next = 0;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();

  constructor(settings: FleetSettings) {
    // tsx's `--import` hooks do not reach worker threads on Node 20: register them in the
    // worker first, then load the TypeScript entry.
    const entry = new URL('./event-client-worker.ts', import.meta.url).href;
    const bootstrap =
      "import('tsx/esm/api').then(({ register }) => { register(); return import(" +
      `${JSON.stringify(entry)}); });`;
    this.worker = new Worker(bootstrap, { eval: true, workerData: settings });
    this.worker.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error !== undefined) p?.reject(new Error(m.error));
      else p?.resolve(m.result);
    });
    this.worker.on('error', (error) => {
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    });
  }

  call<T = unknown>(cmd: string): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, cmd });
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}
