import { api, type PackDetail } from '../platform';
import { libraryState } from './library.svelte';

// Pack details are asked for by the pack screen and by every lesson screen;
// keep the last few answers until the library changes or the language does.
const cache = new Map<string, Promise<PackDetail>>();
let cacheStamp = -1;

export function getPack(lang: string, id: string): Promise<PackDetail> {
  if (cacheStamp !== libraryState.stamp) {
    cache.clear();
    cacheStamp = libraryState.stamp;
  }
  const key = `${lang}\u0000${id}`;
  let entry = cache.get(key);
  if (!entry) {
    entry = api.getPack(lang, id);
    entry.catch(() => cache.delete(key));
    cache.set(key, entry);
    if (cache.size > 8) cache.delete(cache.keys().next().value as string);
  }
  return entry;
}
