/** How commands reach the device: Tauri IPC or HTTP to `qalam serve`. */
export interface Transport {
  readonly kind: 'tauri' | 'http';
  /** Base URL that a LessonInfo.content_path is appended to. */
  readonly contentBase: string;
  /** Runs one command; rejects with anything (normalised by the caller). */
  call(command: string, args: Record<string, unknown>): Promise<unknown>;
  /** HTTP only: whether a session token is held (for tests and diagnostics). */
  hasToken?(): boolean;
}
