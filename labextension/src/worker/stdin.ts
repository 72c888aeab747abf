/**
 * `input()` from a worker through JupyterLite's service worker.
 *
 * The service worker holds a synchronous XMLHttpRequest open until the page
 * answers the `input_request`; this works without SharedArrayBuffer.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { KernelMessage } from '@jupyterlab/services';

/** What one input request needs. */
export interface IInputRequest {
  prompt: string;
  password: boolean;
  parentHeader: Record<string, unknown>;
  baseUrl: string;
  browsingContextId?: string;
}

/** Why `input()` fails in a worker that has neither the channel nor the service worker. */
const NO_STDIN =
  "input() needs a cross-origin isolated page, or JupyterLite's service worker: the page " +
  'is not isolated, and no service worker serves this worker (a %%worker cell never has ' +
  'one; for the worker kernel it is not active in private windows or where service ' +
  'workers are blocked). Fix: serve the page with the headers ' +
  '"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: ' +
  'credentialless" (`jupyter worker serve SITE` does, and so does `jupyter lab`).';

/**
 * Block until the page answers an input request.
 *
 * @throws Error when no service worker serves this page (private windows).
 */
export function requestInputViaServiceWorker(request: IInputRequest): string | undefined {
  if (!request.browsingContextId) {
    throw new Error(NO_STDIN);
  }
  const message = KernelMessage.createMessage<KernelMessage.IInputRequestMsg>({
    channel: 'stdin',
    msgType: 'input_request',
    session: String(request.parentHeader.session ?? ''),
    parentHeader:
      request.parentHeader as unknown as KernelMessage.IInputRequestMsg['parent_header'],
    content: { prompt: request.prompt, password: request.password },
  });
  const xhr = new XMLHttpRequest();
  xhr.open('POST', URLExt.join(request.baseUrl, '/api/stdin/kernel'), false);
  xhr.send(JSON.stringify({ browsingContextId: request.browsingContextId, data: message }));
  const reply = JSON.parse(xhr.response as string) as {
    error?: string;
    content?: { value?: string };
  };
  if (reply.error !== undefined) {
    throw new Error(`The page did not answer input(): ${reply.error}`);
  }
  return reply.content?.value;
}
