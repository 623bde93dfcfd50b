import type { Transport } from './transport';

export type InvokeFn = (command: string, args?: Record<string, unknown>) => Promise<unknown>;

export interface TauriOptions {
  /** The `invoke` of @tauri-apps/api/core, or a loader for it. */
  invoke?: InvokeFn;
  /** Windows (WebView2) serves custom schemes as http://<scheme>.localhost/ */
  windows?: boolean;
}

export const TAURI_CONTENT_BASE = 'qalam-pack://localhost/';
export const TAURI_CONTENT_BASE_WINDOWS = 'http://qalam-pack.localhost/';

/** Tauri transport: a command is `invoke(name, args)`, args as in docs/API.md. */
export function createTauriTransport(options: TauriOptions = {}): Transport {
  let invokePromise: Promise<InvokeFn> | null = options.invoke ? Promise.resolve(options.invoke) : null;
  const loadInvoke = (): Promise<InvokeFn> => {
    // Loaded on demand so the browser build never runs Tauri code.
    invokePromise ??= import('@tauri-apps/api/core').then((m) => m.invoke as InvokeFn);
    return invokePromise;
  };

  return {
    kind: 'tauri',
    contentBase: options.windows ? TAURI_CONTENT_BASE_WINDOWS : TAURI_CONTENT_BASE,
    async call(command, args) {
      const invoke = await loadInvoke();
      return invoke(command, args);
    },
  };
}
