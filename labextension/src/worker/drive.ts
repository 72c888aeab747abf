/**
 * The JupyterLite drive (`/drive`) over the synchronous channel.
 *
 * Without isolation the drive goes through JupyterLite's service worker
 * (a synchronous XMLHttpRequest per file-system call); with the channel it
 * is one shared-memory round trip, and works where service workers do not.
 */
import type {
  TDriveMethod,
  TDriveRequest,
  TDriveResponse,
} from '@jupyterlite/services/lib/contents/drivefs';
import { ContentsAPI, DriveFS } from '@jupyterlite/services/lib/contents/drivefs';

import type { WorkerChannel } from '../channel/worker';
import { isResult, resultOf } from '../channel/worker';

/** Contents requests answered by the page over `channel`. */
class ChannelContentsAPI extends ContentsAPI {
  constructor(
    options: ContentsAPI.IOptions,
    private readonly _channel: WorkerChannel,
  ) {
    super(options);
  }

  request<T extends TDriveMethod>(data: TDriveRequest<T>): TDriveResponse<T> {
    const answer = this._channel.request(JSON.stringify({ op: 'drive', value: data }));
    if (!isResult(answer)) {
      throw new this.FS.ErrnoError(this.ERRNO_CODES.EINVAL);
    }
    // plain JSON: a null result arrives as undefined (R_UNDEFINED)
    return (resultOf(answer) ?? null) as TDriveResponse<T>;
  }
}

/** Make a DriveFS whose requests use `channel`. */
export function channelDriveFS(options: DriveFS.IOptions, channel: WorkerChannel): DriveFS {
  class ChannelDriveFS extends DriveFS {
    createAPI(apiOptions: DriveFS.IOptions): ContentsAPI {
      return new ChannelContentsAPI(apiOptions, channel);
    }
  }
  return new ChannelDriveFS(options);
}
