/**
 * The workers that worker Python starts (`jupyter_worker.Worker`), on the
 * page that runs its worker.
 *
 * Each started worker is a `NamedWorker` (a worker kernel of its own, as a
 * `%%worker` cell's), driven by its parent's `workers` requests. Each request
 * to a started worker is a ticket, run after that worker's earlier ones; the
 * parent either waits for it on the page (an asynchronous operation, so its
 * callbacks, `sync` functions included, run meanwhile) or takes the ticket
 * (`detach`) and waits later (`wait`: futures, pools). Values cross as JSON
 * text; what a started worker prints comes back with the answer and is
 * printed by the parent. A call (`call`) is not a kernel cell: the started
 * worker's kernel answers it directly (`WorkerKernel.serveCall`). A started worker's own `sync.NAME(...)` calls the
 * page function its parent set (`set_sync`).
 */
import type { IStartedWorkers } from './registry';
import { startedWorkers } from './registry';
import type { Contents } from '@jupyterlab/services';

import type { PageFunction } from '../channel/callbacks';
import { NamedWorker, WorkerStoppedError } from '../magic/named';
import { readMagicSettings } from '../magic/settings';
import { VALUE_MIME } from '../protocol';
import type {
  ISpawnedWorkers,
  IWorkersAnswer,
  IWorkersRequest,
  ParentSync,
  SpawnHost,
} from './requests';

interface IChild {
  id: number;
  worker: NamedWorker;
  /** The functions the parent set on `Worker.sync`. */
  sync: Map<string, PageFunction>;
  /** Its `sync` calls to the parent in progress. */
  inSync: number;
  /** Settles when its last queued request ends (requests run one by one). */
  current: Promise<void>;
}

/** What a started worker's run gave: its prints, a result, or its error. */
interface IRunAnswer {
  out: [string, string][];
  value?: string;
  error?: { ename: string; evalue: string; traceback: string[] };
}

/** One request of the parent to a started worker: queued, running or done. */
interface ITicket {
  child: IChild;
  started: boolean;
  cancelled: boolean;
  done: boolean;
  /** The answer (JSON text of an `IRunAnswer`), once done. */
  answer: string;
  /** Settles when it is done. */
  finished: Promise<void>;
}

/** The workers one worker started, and the `sync` functions of its own parent. */
export class SpawnedWorkers implements ISpawnedWorkers, IStartedWorkers {
  /**
   * @param contents - the notebook's contents (the started workers' drive).
   * @param location - the folder they work in (their parent's).
   * @param owner - who starts them (shown by `%worker list`).
   * @param parentSync - the parent's `sync` functions, when this worker was
   *   itself started from Python.
   */
  constructor(
    private readonly _contents: Contents.IManager,
    private readonly _location: string,
    readonly owner: string,
    private readonly _parentSync?: ParentSync,
  ) {
    startedWorkers.add(this);
  }

  /** The live workers started here. */
  list(): NamedWorker[] {
    return [...this._children.values()]
      .map((child) => child.worker)
      .filter((worker) => worker.state !== 'stopped');
  }

  /** Serve one request; it fails with an error that says why. */
  handle(request: IWorkersRequest): IWorkersAnswer {
    switch (request.action) {
      case 'start':
        return now(this._start(request));
      case 'exec': {
        const child = this._child(request);
        if (!request.detach) {
          refuseNested(child);
        }
        const code = request.code ?? '';
        return this._answer(
          request,
          this._queue(child, () => this._collect(child, code)),
        );
      }
      case 'call': {
        const child = this._child(request);
        if (!request.detach) {
          refuseNested(child);
        }
        const { name, args, code } = request;
        const run = (): Promise<IRunAnswer> =>
          this._call(child, name ?? '', args ?? '', code ?? '');
        return this._answer(request, this._queue(child, run));
      }
      case 'wait':
        return this._wait(request.tickets ?? [], request.timeout ?? null);
      case 'cancel':
        return now(this._cancel(request.tickets ?? []));
      case 'forget':
        for (const id of request.tickets ?? []) {
          this._tickets.delete(id);
        }
        return now(null);
      case 'stop': {
        const child = this._child(request);
        this._children.delete(child.id);
        child.worker.stop('terminated by the worker that started it');
        return now(null);
      }
      case 'set_sync': {
        const { fn, name } = request;
        if (typeof fn !== 'function' || !name) {
          throw new TypeError('jupyter-worker: set_sync needs a name and a function');
        }
        this._child(request).sync.set(name, fn);
        return now(null);
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
    this._tickets.clear();
    startedWorkers.delete(this);
  }

  /** A new ticket's answer: the ticket (`detach`), or its result once done. */
  private _answer(request: IWorkersRequest, ticket: number): IWorkersAnswer {
    if (request.detach) {
      return now({ ticket });
    }
    const { promise, cancel } = this._wait([ticket], null);
    return {
      promise: promise.then((done) => {
        this._tickets.delete(ticket);
        return (JSON.parse(done) as Record<string, string>)[ticket];
      }),
      cancel: () => {
        cancel();
        this._tickets.delete(ticket);
      },
    };
  }

  /** Start a worker: its id, its name and the ticket of its start, at once. */
  private _start(request: IWorkersRequest): { id: number; name: string; ticket: number } {
    const id = ++this._lastId;
    const name = request.name || `worker-${id}`;
    const child: IChild = {
      id,
      worker: null as never,
      sync: new Map(),
      inSync: 0,
      current: Promise.resolve(),
    };
    const parentSync: ParentSync = async (fnName, args) => {
      const fn = child.sync.get(fnName);
      if (!fn) {
        throw new Error(
          `sync.${fnName} is not set: the worker that started ${name} set no such function`,
        );
      }
      child.inSync += 1;
      try {
        return await fn(args);
      } finally {
        child.inSync -= 1;
      }
    };
    const host: SpawnHost = (contents, location, owner, itsParentSync) =>
      Promise.resolve(new SpawnedWorkers(contents, location, owner, itsParentSync));
    child.worker = new NamedWorker(
      name,
      readMagicSettings(),
      this._contents,
      this._location,
      host,
      parentSync,
    );
    this._children.set(id, child);
    const packages = request.packages ?? [];
    const code = packages.length
      ? `import piplite\nawait piplite.install(${JSON.stringify(packages)})`
      : 'pass';
    const ticket = this._queue(
      child,
      () => this._collect(child, code),
      (answer) => {
        if (answer.error) {
          this._children.delete(id);
          child.worker.stop('failed to start');
          answer.error.evalue = `${name} did not start: ${answer.error.ename}: ${answer.error.evalue}`;
          answer.error.ename = 'WorkerError';
        }
      },
    );
    return { id, name, ticket };
  }

  /** Queue `run` (of `child`) after its earlier requests; its ticket. */
  private _queue(
    child: IChild,
    run: () => Promise<IRunAnswer>,
    after?: (answer: IRunAnswer) => void,
  ): number {
    const id = ++this._lastTicket;
    const ticket: ITicket = {
      child,
      started: false,
      cancelled: false,
      done: false,
      answer: '',
      finished: Promise.resolve(),
    };
    ticket.finished = child.current.then(async () => {
      let answer: IRunAnswer;
      if (ticket.cancelled) {
        answer = { out: [], error: { ename: 'CancelledError', evalue: '', traceback: [] } };
      } else {
        ticket.started = true;
        answer = await run();
        after?.(answer);
      }
      ticket.answer = JSON.stringify(answer);
      ticket.done = true;
    });
    child.current = ticket.finished;
    this._tickets.set(id, ticket);
    return id;
  }

  /**
   * Wait until one of `tickets` is done (or `timeout` seconds): the answers
   * of those done, by ticket, which are then forgotten. An interrupt of the
   * parent interrupts the workers that run them. Waiting for a worker that
   * itself waits for this one (a `sync` call) fails at once: it would never end.
   */
  private _wait(ids: number[], timeout: number | null): IWorkersAnswer {
    const tickets = ids.map((id) => {
      const ticket = this._tickets.get(id);
      if (!ticket) {
        throw new Error(`jupyter-worker: no request ${id} of a started worker (already taken?)`);
      }
      return ticket;
    });
    for (const ticket of tickets) {
      if (!ticket.done) {
        refuseNested(ticket.child);
      }
    }
    let givenUp = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const promise = new Promise<string>((resolve) => {
      let settled = false;
      const finish = (): void => {
        if (settled) {
          return;
        }
        settled = true;
        clearTimeout(timer);
        const done: Record<number, string> = {};
        ids.forEach((id, index) => {
          if (tickets[index].done) {
            done[id] = tickets[index].answer;
            if (!givenUp) {
              this._tickets.delete(id);
            }
          }
        });
        resolve(JSON.stringify(done));
      };
      if (tickets.length === 0 || tickets.some((ticket) => ticket.done)) {
        finish();
        return;
      }
      for (const ticket of tickets) {
        void ticket.finished.then(finish);
      }
      if (timeout !== null) {
        timer = setTimeout(finish, Math.max(0, timeout) * 1000);
      }
    });
    return {
      promise,
      cancel: () => {
        givenUp = true;
        clearTimeout(timer);
        for (const ticket of tickets) {
          if (ticket.started && !ticket.done) {
            void ticket.child.worker.interrupt();
          }
        }
      },
    };
  }

  /** Cancel queued requests (not started yet); whether each was. */
  private _cancel(ids: number[]): boolean[] {
    return ids.map((id) => {
      const ticket = this._tickets.get(id);
      if (!ticket || ticket.started || ticket.done) {
        return false;
      }
      ticket.cancelled = true;
      return true;
    });
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
        if (reply.ename === 'WorkerCrashed') {
          this._forgetCrashed(child);
        }
      }
    } catch (error) {
      return { ...this._failed(child, error), out: answer.out };
    }
    return answer;
  }

  /** Call `name` in `child` with `payload` (after `setup`), not as a cell. */
  private async _call(
    child: IChild,
    name: string,
    payload: string,
    setup: string,
  ): Promise<IRunAnswer> {
    try {
      const answer = JSON.parse(await child.worker.call(name, payload, setup)) as IRunAnswer;
      if (answer.error?.ename === 'WorkerCrashed') {
        this._forgetCrashed(child);
      }
      return answer;
    } catch (error) {
      return this._failed(child, error);
    }
  }

  /** The answer of a run that failed on the page (a crashed worker is forgotten). */
  private _failed(child: IChild, error: unknown): IRunAnswer {
    const crashed = error instanceof WorkerStoppedError;
    if (crashed) {
      this._forgetCrashed(child);
    }
    return {
      out: [],
      error: {
        ename: crashed ? 'WorkerCrashed' : 'Error',
        evalue: error instanceof Error ? error.message : String(error),
        traceback: [],
      },
    };
  }

  /** A crashed worker is gone: stopped, and no longer listed. */
  private _forgetCrashed(child: IChild): void {
    this._children.delete(child.id);
    child.worker.stop('crashed');
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
  private readonly _tickets = new Map<number, ITicket>();
  private _lastId = 0;
  private _lastTicket = 0;
}

/**
 * Fail at once when `child` waits for its parent (a `sync` call in progress):
 * the parent waiting for it in turn would never end.
 */
function refuseNested(child: IChild): void {
  if (child.inSync > 0) {
    throw new Error(
      `jupyter-worker: ${child.worker.label} waits for this worker (a sync call): ` +
        'waiting for it here would never end',
    );
  }
}

/** An answer that is ready now. */
function now(value: unknown): IWorkersAnswer {
  return { promise: Promise.resolve(JSON.stringify(value)), cancel: () => undefined };
}
