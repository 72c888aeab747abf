/**
 * What jupyter-worker's service worker scripts use of the service worker's
 * global scope (the DOM lib has no service worker types).
 */

/** The part of a `FetchEvent` used here. */
export interface IFetchEvent extends Event {
  readonly request: Request;
  respondWith(response: Response | PromiseLike<Response>): void;
}

/** The part of the service worker global scope used here. */
export interface IServiceWorkerScope {
  readonly location: Location;
  addEventListener(type: 'fetch', listener: (event: IFetchEvent) => void): void;
}
