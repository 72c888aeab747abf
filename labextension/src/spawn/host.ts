/**
 * The workers that worker Python starts (`jupyter_worker.Worker`), on the
 * page that runs its worker.
 *
 * Each started worker is a `NamedWorker` (a worker kernel of its own, as a
 * `%%worker` cell's), driven by its parent's `workers` requests: the parent
 * waits on the page for each (an asynchronous operation), so its callbacks,
 * `sync` functions included, run meanwhile. Values cross as JSON text; what a
 * started worker prints comes back with the answer and is printed by the
 * parent. A started worker's own `sync.NAME(...)` calls the page function
 * its parent set (`set_sync`).
 */
import type { Contents } from '@jupyterlab/services';

import type { PageFunction } from '../channel/callbacks';
import { NamedWorker, WorkerStoppedError } from '../magic/named';
import { readMagicSettings } from '../magic/settings';
import { VALUE_MIME } from '../protocol';

/** A `workers` request of worker Python (`jupyter_worker/worker/spawn.py`). */
export interface IWorkersRequest {
  action: 'start' | 'exec' | 'call' | 'stop' | 'set_sync' | 'sync';
  /** Which started worker (all but `start` and `sync`). */
  id?: number;
  /** `start`: the worker's name; `call`, `set_sync`, `sync`: the function's. */
  name?: string | null;
  /** `start`: packages to install first. */
  packages?: string[];
  /** `exec`: the code. */
  code?: string;
  /** `call`, `sync`: the arguments, as JSON text of a list. */
  args?: string;
  /** `set_sync`: the parent's function (it takes and returns JSON text). */
  fn?: PageFunction;
}

/** A request in progress: its answer (JSON text), and how to give it up. */
export interface IWorkersAnswer {
  promise: Promise<string>;
  cancel: () => void;
}

/** Calls the `sync` function `name` of a worker's parent (JSON text both ways). */
export type ParentSync = (name: string, args: string) => Promise<unknown>;

interface IChild {
  worker: NamedWorker;
  /** The functions the parent set on `Worker.sync`. */
  sync: Map<string, PageFunction>;
  /** Whether it runs a request of the parent now. */
  busy: boolean;
  /** Whether the parent gave up waiting for that request (an interrupt). */
  givenUp: boolean;
  /** Settles when the last request ends. */
  current: Promise<void>;
}

/** What a started worker's run gave: its prints, a result, or its error. */
interface IRunAnswer {
  out: [string, string][];
  value?: string;
  error?: { ename: string; evalue: string; traceback: string[] };
}

/** The workers one worker started, and the `sync` functions of its own parent. */
export class SpawnedWorkers {
  /**
   * @param contents - the notebook's contents (the started workers' drive).
   * @param parentSync - the parent's `sync` functions, when this worker was
   *   itself started from Python.
   */
  constructor(
    private readonly _contents: Contents.IManager,
    private readonly _parentSync?: ParentSync,
  ) {}

  /** Serve one request; it fails with an error that says why. */
  handle(request: IWorkersRequest): IWorkersAnswer {
    switch (request.action) {
      case 'start':
        return { promise: this._start(request), cancel: () => undefined };
      case 'exec':
        return this._run(request, request.code ?? '');
      case 'call': {
        const call =
          "__import__('jupyter_worker.worker.spawn', fromlist=['_']).serve_call(" +
          `${JSON.stringify(request.name ?? '')}, ${JSON.stringify(request.args ?? '[]')})`;
        return this._run(request, call);
      }
      case 'stop': {
        const child = this._child(request);
        this._children.delete(request.id as number);
        child.worker.stop('terminated by the worker that started it');
        return { promise: Promise.resolve('null'), cancel: () => undefined };
      }
      case 'set_sync': {
        const { fn, name } = request;
        if (typeof fn !== 'function' || !name) {
          throw new TypeError('jupyter-worker: set_sync needs a name and a function');
        }
        this._child(request).sync.set(name, fn);
        return { promise: Promise.resolve('null'), cancel: () => undefined };
      }
      case 'sync':
        return { promise: this._callParent(request), cancel: () => undefined };
      default:
        throw new TypeError(`jupyter-worker: unknown workers action ${String(request.action)}`);
    }
  }

  /** Stop every worker started here (the parent's kernel restarts or stops). */
  dispose(): void {
    for (const child of this._children.values()) {
      child.worker.stop('stopped with the worker that started it');
    }
    this._children.clear();
  }

  private async _start(request: IWorkersRequest): Promise<string> {
    const id = ++this._lastId;
    const name = request.name || `worker-${id}`;
    const child: IChild = {
      worker: null as never,
      sync: new Map(),
      busy: true,
      givenUp: false,
      current: Promise.resolve(),
    };
    const parentSync: ParentSync = (fnName, args) => {
      const fn = child.sync.get(fnName);
      if (!fn) {
        return Promise.reject(
          new Error(
            `sync.${fnName} is not set: the worker that started ${name} set no such function`,
          ),
        );
      }
      return fn(args);
    };
    child.worker = new NamedWorker(name, readMagicSettings(), this._contents, parentSync);
    this._children.set(id, child);
    try {
      const packages = request.packages ?? [];
      const code = packages.length
        ? `import piplite\nawait piplite.install(${JSON.stringify(packages)})`
        : 'pass';
      const answer = await this._collect(child, code);
      if (answer.error) {
        throw new Error(`${name} did not start: ${answer.error.ename}: ${answer.error.evalue}`);
      }
    } catch (error) {
      this._children.delete(id);
      child.worker.stop('failed to start');
      throw error;
    } finally {
      child.busy = false;
    }
    return JSON.stringify({ id, name });
  }

  /**
   * Run `code` in a started worker; an interrupt of the parent interrupts
   * it. A request given up so (interrupted) is let finish first; one that
   * comes while the worker runs a request still waited for is nested (the
   * worker's `sync` call came back to it) and fails at once.
   */
  private _run(request: IWorkersRequest, code: string): IWorkersAnswer {
    const child = this._child(request);
    if (child.busy && !child.givenUp) {
      throw new Error(
        `jupyter-worker: ${child.worker.label} is busy with a request of this worker, ` +
          'which waits for it: a nested request would never end',
      );
    }
    const previous = child.current;
    child.busy = true;
    child.givenUp = false;
    const promise = previous
      .then(() => this._collect(child, code))
      .then((answer) => JSON.stringify(answer));
    const current = promise.then(
      () => undefined,
      () => undefined,
    );
    child.current = current;
    void current.then(() => {
      if (child.current === current) {
        child.busy = false;
      }
    });
    return {
      promise,
      cancel: () => {
        if (child.current === current) {
          child.givenUp = true;
        }
        void child.worker.interrupt();
      },
    };
  }

  /** Run `code`; gather its prints, the displayed value, the error. */
  private async _collect(child: IChild, code: string): Promise<IRunAnswer> {
    const answer: IRunAnswer = { out: [] };
    try {
      const reply = await child.worker.execute(
        code,
        (msg) => {
          const content = msg.content as Record<string, unknown>;
          if (msg.header.msg_type === 'stream') {
            answer.out.push([String(content.name), String(content.text)]);
          } else if (msg.header.msg_type === 'display_data') {
            const data = content.data as Record<string, unknown>;
            answer.value = (data[VALUE_MIME] as string | undefined) ?? answer.value;
          }
        },
        true,
      );
      if (reply.status === 'error') {
        answer.error = { ename: reply.ename, evalue: reply.evalue, traceback: reply.traceback };
      }
    } catch (error) {
      const crashed = error instanceof WorkerStoppedError;
      answer.error = {
        ename: crashed ? 'WorkerCrashed' : 'Error',
        evalue: error instanceof Error ? error.message : String(error),
        traceback: [],
      };
    }
    return answer;
  }

  private async _callParent(request: IWorkersRequest): Promise<string> {
    if (!this._parentSync) {
      throw new Error(
        'jupyter-worker: sync reaches the worker that started this one ' +
          '(jupyter_worker.Worker); this worker was not started so',
      );
    }
    return String(await this._parentSync(request.name ?? '', request.args ?? '[]'));
  }

  private _child(request: IWorkersRequest): IChild {
    const child = this._children.get(request.id as number);
    if (!child) {
      throw new Error(`jupyter-worker: no started worker ${String(request.id)} (terminated?)`);
    }
    return child;
  }

  private readonly _children = new Map<number, IChild>();
  private _lastId = 0;
}
