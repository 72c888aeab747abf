/**
 * Live page elements displayed from worker Python, waiting for their output.
 *
 * `display(element)` in Python registers the element here and emits a
 * display_data whose `application/vnd.jupyter-worker.element+json` part names
 * it; the renderer (`renderer.ts`) moves the live element into the output.
 * A reopened notebook has no live elements: the renderer shows the static
 * snapshot saved with the output instead, and no code runs.
 */

/** The MIME type of a displayed worker element. */
export const ELEMENT_MIME = 'application/vnd.jupyter-worker.element+json';

/** What the output stores about a displayed element. */
export interface IElementRef {
  /** Registry key of the live element. */
  uuid: string;
  /** The element's HTML when it was displayed (shown when it is not live). */
  html: string;
}

const live = new Map<string, Element>();

/** Register `element` for display; returns the reference to put in the output. */
export function registerElement(element: Element): { [key: string]: string } {
  const uuid = crypto.randomUUID();
  live.set(uuid, element);
  return { uuid, html: element.outerHTML } satisfies IElementRef;
}

/** The live element registered under `uuid`, if this page has it. */
export function liveElement(uuid: string): Element | undefined {
  return live.get(uuid);
}
