/**
 * What a worker kernel and the workers its Python starts exchange
 * (`spawn/host.ts` serves them): types only, so that the kernel needs the
 * host's code only once its Python starts a worker (loaded then).
 */
import type { Contents } from '@jupyterlab/services';

import type { PageFunction } from '../channel/callbacks';

/** A `workers` request of worker Python (`jupyter_worker/worker/spawn.py`). */
export interface IWorkersRequest {
  action: 'start' | 'exec' | 'call' | 'wait' | 'cancel' | 'forget' | 'stop' | 'set_sync' | 'sync';
  /** Which started worker (`exec`, `call`, `stop`, `set_sync`). */
  id?: number;
  /** `start`: the worker's name; `call`, `set_sync`, `sync`: the function's. */
  name?: string | null;
  /** `start`: packages to install first. */
  packages?: string[];
  /** `exec`: the code; `call`: code that defines the function, run first. */
  code?: string;
  /** `call`: `[args, kwargs]`; `sync`: the arguments; as JSON text. */
  args?: string;
  /** `set_sync`: the parent's function (it takes and returns JSON text). */
  fn?: PageFunction;
  /** `exec`, `call`: answer at once with a ticket, not the result (`start` always does). */
  detach?: boolean;
  /** `wait`, `forget`: tickets; `cancel`: one. */
  tickets?: number[];
  /** `wait`: seconds at most (none: until one is done). */
  timeout?: number | null;
}

/** A request in progress: its answer (JSON text), and how to give it up. */
export interface IWorkersAnswer {
  promise: Promise<string>;
  cancel: () => void;
}

/** Calls the `sync` function `name` of a worker's parent (JSON text both ways). */
export type ParentSync = (name: string, args: string) => Promise<unknown>;

/** The workers one worker started (`SpawnedWorkers`). */
export interface ISpawnedWorkers {
  /** Serve one request; it fails with an error that says why. */
  handle(request: IWorkersRequest): IWorkersAnswer;
  /** Stop every worker started here. */
  dispose(): void;
}

/**
 * Makes the host of the workers a kernel's Python starts (at its first
 * start): `spawn/load.ts` loads `spawn/host.ts` then.
 *
 * @param contents - the notebook's contents (the started workers' drive).
 * @param location - the folder they work in (the kernel's own).
 * @param owner - who starts them (shown by `%worker list`).
 * @param parentSync - the `sync` functions of the kernel's own parent, if any.
 */
export type SpawnHost = (
  contents: Contents.IManager,
  location: string,
  owner: string,
  parentSync?: ParentSync,
) => Promise<ISpawnedWorkers>;
