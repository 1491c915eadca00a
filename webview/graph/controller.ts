import { GRAPH_TIMEOUTS, type FromWebview, type GraphRequests, type InferenceInputChoice, type InferenceState, type ToWebview, type ViewAnchor, type ViewOptions } from '../../src/protocol/messages';
import { decodeGraph, isEncodedGraph } from '../../src/protocol/graphEncoding';
import { RpcClient } from '../../src/protocol/rpc';
import type { WeightReply } from '../../src/protocol/modelService';
import type { LayerTimes } from '../../src/runtime/profile';
import type { ViewDiff, ViewGraph } from '../../src/protocol/viewModel';
import { createHost } from '../common/vscodeApi';
import { yieldToPage } from './render/slices';
import type { SavedState } from './state';

/** What the host asks of the view. */
export interface HostRequests {
  showGraph(graph: ViewGraph, preserveView: boolean): void;
  showError(message: string): void;
  graphStale(reason: string): void;
  selectNode(nodeId: string | null, reveal: boolean): void;
  setOptions(options: ViewOptions): void;
  inferenceState(state: InferenceState): void;
  setDiff(diff: ViewDiff | null): void;
  followView(anchor: ViewAnchor): void;
}

/**
 * The graph view's protocol controller: the one place that talks to the host. Incoming messages
 * become calls on `HostRequests`; what the view tells or asks the host goes out through the methods below.
 */
export class GraphController {
  private readonly host = createHost<FromWebview>();
  private readonly rpc = new RpcClient<GraphRequests>((m) => this.host.post(m), GRAPH_TIMEOUTS);

  /** Messages are handled in order; a graph that arrives encoded is decoded before the next one is. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly view: HostRequests) {
    window.addEventListener('message', (ev: MessageEvent<ToWebview>) => {
      const m = ev.data;
      if (!m || typeof m !== 'object') return;
      if (this.rpc.handle(m)) return;
      this.queue = this.queue.then(() => this.onMessage(m)).catch((e: unknown) => this.view.showError(`ConvLens could not show this message (${m.type}): ${e instanceof Error ? e.message : String(e)}`));
    });
  }

  private async onMessage(m: ToWebview): Promise<void> {
    switch (m.type) {
      // A large graph is parsed in turns with the page, as it is then prepared (render/slices.ts).
      case 'showGraph': return this.view.showGraph(isEncodedGraph(m.graph) ? await decodeGraph(m.graph, yieldToPage) : m.graph, m.preserveView);
      case 'showError': return this.view.showError(m.message);
      case 'graphStale': return this.view.graphStale(m.reason);
      case 'selectNode': return this.view.selectNode(m.nodeId, m.reveal);
      case 'setOptions': return this.view.setOptions(m.options);
      case 'inferenceState': return this.view.inferenceState(m.state);
      case 'setDiff': return this.view.setDiff(m.diff);
      case 'followView': return this.view.followView(m.anchor);
    }
  }

  ready(): void { this.host.post({ type: 'ready' }); }
  log(level: 'info' | 'warn' | 'error', message: string): void { this.host.post({ type: 'log', level, message }); }
  nodeSelected(nodeId: string | null): void { this.host.post({ type: 'nodeSelected', nodeId }); }
  revealSource(nodeId: string): void { this.host.post({ type: 'revealSource', nodeId }); }
  runInference(input: InferenceInputChoice): void { this.host.post({ type: 'runInference', input }); }
  cancelInference(): void { this.host.post({ type: 'cancelInference' }); }
  showFeatureMaps(nodeId: string | undefined, field = false): void { this.host.post({ type: 'showFeatureMaps', nodeId, ...(field ? { field } : {}) }); }
  setInputSizes(values: Record<string, number> | null): void { this.host.post({ type: 'setInputSizes', values }); }
  viewMoved(anchor: ViewAnchor): void { this.host.post({ type: 'viewMoved', anchor }); }
  manageTrust(): void { this.host.post({ type: 'manageTrust' }); }

  copy(text: string, what: string): Promise<true> {
    return this.rpc.request('copyText', { text, what }, { what });
  }

  /** The path saved to, or null when the user cancelled (the host shows a save dialog: no time limit). */
  save(suggestedName: string, data: string, encoding: 'base64' | 'utf8'): Promise<string | null> {
    return this.rpc.request('saveFile', { suggestedName, data, encoding }, { what: suggestedName });
  }

  /** A weight's statistics and the page of its values at `offset`, read in the model worker. */
  weight(tensor: string, offset: number): Promise<WeightReply> {
    return this.rpc.request('weight', { tensor, offset }, { what: tensor });
  }

  /** Time per layer on the last run (ONNX Runtime's profiler, in the inference process). */
  layerTimes(): Promise<LayerTimes> {
    return this.rpc.request('layerTimes', {}, { what: 'layer times' });
  }

  savedState(): SavedState | undefined { return this.host.getState<SavedState>(); }
  saveState(s: SavedState): void { this.host.setState(s); }
}
