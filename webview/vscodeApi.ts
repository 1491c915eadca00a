import type { FromWebview } from '../src/protocol/messages';

/** The one handle on the host: acquireVsCodeApi() may be called only once per page. */
interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

export const host = {
  post(message: FromWebview): void {
    api.postMessage(message);
  },
  getState<T>(): T | undefined {
    return (api.getState() as T | undefined) ?? undefined;
  },
  setState<T>(state: T): void {
    api.setState(state);
  },
};
