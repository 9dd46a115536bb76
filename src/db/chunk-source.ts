import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { contactChunks } from '../demo/chunks.js';
import type { SeedSpec } from './bulk-load.js';
import { type EncodedChunk, encodeChunk, type FirstIds } from './bulk-rows.js';

/** One workspace's chunks to generate. */
export type ChunkJob = { spec: SeedSpec; workspaceId: string; ids: FirstIds };

/** What a worker is asked to do: its share of a job (chunks `first`, `first + stride`, …). */
export type WorkerTask = ChunkJob & { first: number; stride: number; ahead: number };

/** Messages between the loader and a worker. */
export type ToWorker = { task: WorkerTask } | { next: true };
export type FromWorker = { chunk: EncodedChunk } | { done: true };

/**
 * Generation is the slow side of a bulk load: one worker per core by default, up to 4 (about
 * what one COPY connection ingests; each worker holds a few chunks of text).
 */
export const DEFAULT_WORKERS = Math.max(1, Math.min(4, availableParallelism()));

/** Chunks each worker may prepare beyond those the loader has taken. */
const AHEAD = 2;

/**
 * Loader hooks from `--import tsx` do not reach worker threads: the worker registers tsx itself.
 * Built on first use, so importing this module needs no `import.meta.resolve` (vitest lacks it).
 */
function workerBootstrap(): string {
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const worker = JSON.stringify(new URL('./chunk-worker.ts', import.meta.url).href);
  return `import(${tsx}).then(({ register }) => { register(); return import(${worker}); })`;
}

export type ChunkPool = {
  /** The job's chunks as COPY text, in order; chunk i comes from worker i mod size. */
  chunks(job: ChunkJob): AsyncIterable<EncodedChunk>;
  close(): Promise<void>;
};

/** The job's chunks as COPY text, in order: from `pool`, or generated inline without one. */
export function encodedChunks(job: ChunkJob, pool?: ChunkPool): AsyncIterable<EncodedChunk> {
  return pool ? pool.chunks(job) : inlineChunks(job);
}

async function* inlineChunks(job: ChunkJob): AsyncGenerator<EncodedChunk> {
  const { seed, workspace, size, chunkSize } = job.spec;
  for (const chunk of contactChunks(seed, workspace, size, chunkSize)) {
    yield encodeChunk(chunk, job.workspaceId, job.ids);
  }
}

/** `size` worker threads, started once and reused for every workspace (start-up costs ~1 s). */
export function startChunkPool(size: number): ChunkPool {
  const workers = Array.from({ length: size }, () => startWorker());
  return {
    async *chunks(job) {
      workers.forEach((w, first) => {
        w.start({ ...job, first, stride: size, ahead: AHEAD });
      });
      for (let i = 0; ; i++) {
        const chunk = await (workers[i % size] as ChunkWorker).next();
        if (!chunk) return;
        yield chunk;
      }
    },
    async close() {
      await Promise.all(workers.map((w) => w.stop()));
    },
  };
}

type ChunkWorker = {
  start(task: WorkerTask): void;
  next(): Promise<EncodedChunk | undefined>;
  stop(): Promise<number>;
};

/** A worker and the chunks of its current task that the loader has not taken yet. */
function startWorker(): ChunkWorker {
  const worker = new Worker(workerBootstrap(), { eval: true });
  const send = (message: ToWorker) => worker.postMessage(message);
  let ready: EncodedChunk[] = [];
  let finished = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => wake?.();
  worker.on('message', (message: FromWorker) => {
    if ('done' in message) finished = true;
    else ready.push(message.chunk);
    notify();
  });
  worker.on('error', (error) => {
    failure = error;
    notify();
  });
  worker.on('exit', (code) => {
    failure ??= new Error(`chunk worker exited with code ${code}`);
    notify();
  });
  return {
    start(task) {
      ready = [];
      finished = false;
      send({ task });
    },
    async next() {
      for (;;) {
        const chunk = ready.shift();
        if (chunk) {
          send({ next: true });
          return chunk;
        }
        if (finished) return undefined;
        if (failure) throw failure;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    },
    stop: () => worker.terminate(),
  };
}
