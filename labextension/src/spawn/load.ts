/**
 * The host of started workers, loaded at a kernel's first `Worker()`: the
 * page downloads `spawn/host.ts` (and what it needs) only then.
 */
import type { SpawnHost } from './requests';

/** A `SpawnHost` that loads `spawn/host.ts` when first called. */
export const loadSpawnHost: SpawnHost = (contents, location, owner, parentSync) =>
  import('./host').then(
    ({ SpawnedWorkers }) => new SpawnedWorkers(contents, location, owner, parentSync),
  );
