import type { Model } from '../ir/types';
import type { ThumbnailRecord } from './types';

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

/** The captured output of graph node `nodeId` (a Keras layer id for lowered models: its first ONNX output). */
export function thumbnailOf(r: { thumbnails: ThumbnailRecord[] }, nodeId: string | undefined): ThumbnailRecord | undefined {
  if (!nodeId) return undefined;
  return r.thumbnails.find((t) => (t.viewNode ?? t.producer) === nodeId);
}
