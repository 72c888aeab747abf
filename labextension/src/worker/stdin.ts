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

/**
 * Block until the page answers an input request.
 *
 * @throws Error when no service worker serves this page (private windows).
 */
export function requestInputViaServiceWorker(request: IInputRequest): string | undefined {
  if (!request.browsingContextId) {
    throw new Error(
      'input() needs JupyterLite\'s service worker, which is not active on this page ' +
        '(private window, or service workers blocked).',
    );
  }
  const message = KernelMessage.createMessage<KernelMessage.IInputRequestMsg>({
    channel: 'stdin',
    msgType: 'input_request',
    session: String(request.parentHeader.session ?? ''),
    parentHeader: request.parentHeader as unknown as KernelMessage.IInputRequestMsg['parent_header'],
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
