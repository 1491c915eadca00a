import type { Model } from '../ir/types';
import type { FusedRecord, ThumbnailRecord } from './types';
import type { SourceLayer } from './sourceLayers';

/** Where an ONNX tensor of a lowered Keras/TF.js/ConvLens JSON model came from. */
export interface LoweredOrigin {
  /** The Keras tensor (the name the graph view shows). */
  tensor: string;
  /** The Keras layer's node id. */
  node: string;
  /** 'cl' when the ONNX tensor is channels-last (as Keras lays it out), 'cf' when channels-first. */
  layout: 'cl' | 'cf';
}

/** The lowering's map from ONNX tensors to the Keras layers' outputs (empty for models read as ONNX). */
export function loweredOrigins(model: Model): Map<string, LoweredOrigin> {
  const raw = model.metadata['convlens.loweredTensors'];
  const out = new Map<string, LoweredOrigin>();
  if (!raw) return out;
  const parsed = JSON.parse(raw) as Record<string, [string, string, 'cl' | 'cf']>;
  for (const [onnx, [tensor, node, layout]] of Object.entries(parsed)) out.set(onnx, { tensor, node, layout });
  return out;
}

/** What a lowered model's graph calls ONNX tensor `tensor`: its source tensor and layer, and the source layer
 * (name and type) it belongs to, marked when it holds that layer's output. Nothing for a model read as ONNX. */
export function viewOf(origins: Map<string, LoweredOrigin>, layers: SourceLayer[] | null, tensor: string): Pick<ThumbnailRecord, 'viewTensor' | 'viewNode' | 'viewLayer'> {
  const o = origins.get(tensor);
  const layer = layers?.find((l) => l.onnxOutput === tensor) ?? layers?.find((l) => l.onnx.includes(tensor));
  const viewLayer = layer ? { name: layer.name, type: layer.type, ...(layer.onnxOutput === tensor ? { output: true as const } : {}), ...(o?.layout === 'cf' ? { channelsFirst: true as const } : {}) } : undefined;
  return { ...(o ? { viewTensor: o.tensor, viewNode: o.node } : {}), ...(viewLayer ? { viewLayer } : {}) };
}

/** Thumbnails keyed as the graph view names tensors: a lowered model's Keras names, once each. */
export function viewThumbnails(thumbs: ThumbnailRecord[]): { tensor: string; png: string; shape: number[]; producer: string }[] {
  const seen = new Set<string>();
  const out: { tensor: string; png: string; shape: number[]; producer: string }[] = [];
  for (const t of thumbs) {
    const tensor = t.viewTensor ?? t.tensor;
    if (seen.has(tensor)) continue;
    seen.add(tensor);
    out.push({ tensor, png: t.png, shape: t.shape, producer: t.viewNode ?? t.producer });
  }
  return out;
}

/** The output of graph node `nodeId` (a Keras layer id for lowered models: its first ONNX output): captured,
 * or fused by ONNX Runtime and computed when asked for. */
export function thumbnailOf(r: { thumbnails: ThumbnailRecord[]; fused?: FusedRecord[] }, nodeId: string | undefined): FusedRecord | undefined {
  if (!nodeId) return undefined;
  const of = (t: FusedRecord) => (t.viewNode ?? t.producer) === nodeId;
  // A source layer's own output first (the row the panel lists), then any tensor of the layer.
  const own = (t: FusedRecord) => of(t) && t.viewLayer?.output === true;
  return r.thumbnails.find(own) ?? r.fused?.find(own) ?? r.thumbnails.find(of) ?? r.fused?.find(of);
}

/** The feature-map panel's list: every layer output in network order, the fused ones marked. A lowered
 * model lists its source layers (the graph's boxes), not the Transposes and Identities of the lowering. */
export function featureMapTensors(r: { thumbnails: ThumbnailRecord[]; fused: FusedRecord[] }): { tensor: string; producer: string; opType: string; shape: number[]; layer?: { name: string; type: string }; fused?: true }[] {
  const drawn = new Set(r.thumbnails.map((t) => t.tensor));
  const rows = [...r.thumbnails.map((t) => ({ t, fused: false })), ...r.fused.filter((f) => !drawn.has(f.tensor)).map((t) => ({ t, fused: true }))];
  rows.sort((a, b) => a.t.order - b.t.order);
  // One row per source layer: the tensor holding its output, else its last one.
  const shown = new Map<string, (typeof rows)[number]>();
  for (const row of rows) {
    const l = row.t.viewLayer;
    if (l && !(shown.get(l.name)?.t.viewLayer?.output)) shown.set(l.name, row);
  }
  const lowered = shown.size > 0;
  return rows.filter((row) => !lowered || (row.t.viewLayer && shown.get(row.t.viewLayer.name) === row))
    .map(({ t, fused }) => ({ tensor: t.tensor, producer: t.producer, opType: t.opType, shape: sourceShape(t), ...(t.viewLayer ? { layer: { name: t.viewLayer.name, type: t.viewLayer.type } } : {}), ...(fused ? { fused: true as const } : {}) }));
}

/** A source layer's output is listed as the source lays it out: the lowering's channels-first copy of a
 * channels-last tensor (N, C, …) reads N, …, C. */
function sourceShape(t: FusedRecord): number[] {
  if (!t.viewLayer?.channelsFirst || t.shape.length < 3) return t.shape;
  return [t.shape[0], ...t.shape.slice(2), t.shape[1]];
}

/** A run once its fused tensors were computed: their thumbnails join the others, none is left fused. */
export function withUnfused<R extends { thumbnails: ThumbnailRecord[]; fused: FusedRecord[] }>(r: R, unfused: ThumbnailRecord[]): R {
  const have = new Set(r.thumbnails.map((t) => t.tensor));
  const thumbnails = [...r.thumbnails, ...unfused.filter((t) => !have.has(t.tensor))].sort((a, b) => a.order - b.order);
  const drawn = new Set(thumbnails.map((t) => t.tensor));
  return { ...r, thumbnails, fused: r.fused.filter((f) => !drawn.has(f.tensor)) };
}
