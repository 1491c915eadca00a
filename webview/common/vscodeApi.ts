interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** A typed handle on the host. acquireVsCodeApi() may be called only once per page, so each
 * page's bundle calls this once, at load, with the union of messages it may post. */
export function createHost<Out>() {
  const api: VsCodeApi = acquireVsCodeApi();
  return {
    post(message: Out): void {
      api.postMessage(message);
    },
    getState<T>(): T | undefined {
      return (api.getState() as T | undefined) ?? undefined;
    },
    setState<T>(state: T): void {
      api.setState(state);
    },
  };
}
