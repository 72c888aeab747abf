/**
 * Every page's started workers, for `%worker list`: a module of its own, so
 * that listing them does not load `host.ts` (which loads at the first `Worker()`).
 */
import type { NamedWorker } from '../magic/named';

/** The workers one worker started. */
export interface IStartedWorkers {
  /** Who started them (shown by `%worker list`). */
  readonly owner: string;
  /** The live ones. */
  list(): NamedWorker[];
}

/** Every `IStartedWorkers` of the page. */
export const startedWorkers = new Set<IStartedWorkers>();
