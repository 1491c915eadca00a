import type { Model } from '../ir/types';
import type { FusedRecord, ThumbnailRecord } from './types';

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
  return r.thumbnails.find(of) ?? r.fused?.find(of);
}

/** The feature-map panel's list: every layer output in network order, the fused ones marked. */
export function featureMapTensors(r: { thumbnails: ThumbnailRecord[]; fused: FusedRecord[] }): { tensor: string; producer: string; opType: string; shape: number[]; fused?: true }[] {
  const drawn = new Set(r.thumbnails.map((t) => t.tensor));
  const rows = [...r.thumbnails.map((t) => ({ t, fused: false })), ...r.fused.filter((f) => !drawn.has(f.tensor)).map((t) => ({ t, fused: true }))];
  return rows.sort((a, b) => a.t.order - b.t.order)
    .map(({ t, fused }) => ({ tensor: t.tensor, producer: t.producer, opType: t.opType, shape: t.shape, ...(fused ? { fused: true as const } : {}) }));
}

/** A run once its fused tensors were computed: their thumbnails join the others, none is left fused. */
export function withUnfused<R extends { thumbnails: ThumbnailRecord[]; fused: FusedRecord[] }>(r: R, unfused: ThumbnailRecord[]): R {
  const have = new Set(r.thumbnails.map((t) => t.tensor));
  const thumbnails = [...r.thumbnails, ...unfused.filter((t) => !have.has(t.tensor))].sort((a, b) => a.order - b.order);
  const drawn = new Set(thumbnails.map((t) => t.tensor));
  return { ...r, thumbnails, fused: r.fused.filter((f) => !drawn.has(f.tensor)) };
}
