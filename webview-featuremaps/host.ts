import type { FromFeatureMaps } from '../src/protocol/featureMaps';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

/** The panel's one handle on the host (acquireVsCodeApi may be called once per page). */
export const host = {
  post(message: FromFeatureMaps): void {
    api.postMessage(message);
  },
  getState<T>(): T | undefined {
    return (api.getState() as T | undefined) ?? undefined;
  },
  setState<T>(state: T): void {
    api.setState(state);
  },
};
