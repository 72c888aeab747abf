/**
 * The web worker entry: expose the remote kernel to the page with comlink.
 */
import { expose } from 'comlink';

import { WorkerRemoteKernel } from './remote';

expose(new WorkerRemoteKernel());
