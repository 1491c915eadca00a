import type { AttrValue, DType, Dim, Node, Shape, TensorData } from '../ir/types';
import type { WarningKind } from './types';
import type { NodeWindow } from './window/geometry';

/**
 * The operator-rule registry. Each operator family (src/analysis/ops/*.ts for ONNX, the Keras
 * reader's own file for domain 'keras') registers one OpRule per op type, holding in one place:
 * the shape/type rule, which inputs are learned weights, the MAC count and the receptive-field
 * behaviour. The engine (analyze.ts) walks the graph and calls these; a rule never walks the graph.
 *
 * Usage (e.g. a Keras rule, channels-last):
 *   registerRule('keras', ['Conv2D'], {
 *     infer: (ctx) => [{ dtype: ctx.dtype(0), shape: [...] }],
 *     roles: () => ['data', 'weight', 'weight'],
 *     macs: (ctx, out) => ...,                     // formula in a one-line comment
 *     spatial: (ctx) => ({ kind: 'window', kernel, stride, dilation, pads }),
 *   });
 */

/** What the engine knows about a tensor while inferring. */
export interface TensorState {
  dtype: DType;
  /** null when unknown. */
  shape: Shape | null;
  /** Row-major values when the tensor is a small constant (shape arithmetic, scalars); else undefined. */
  value?: number[];
  /** Elements of a shape-valued integer tensor (rank 0 or 1) that may be symbolic, e.g. Shape(x)
   * of an input with batch 'N' is ['N', 3, 224, 224]. Set whenever value is, for integer tensors. */
  dims?: Dim[];
  /** True when computed from initializers/Constant nodes alone (no graph input reaches it). */
  constant: boolean;
}

/** A rule's answer for one output. */
export interface OutputState {
  dtype: DType;
  shape: Shape | null;
  /** Folded values, when the rule could compute them (small constants only). */
  value?: number[];
  /** Folded shape-valued elements that may be symbolic (see TensorState.dims). */
  dims?: Dim[];
}

/**
 * How the engine treats an input when counting figures:
 * - data: activations (never counted);
 * - weight: learned parameters, counted in params when the tensor is constant;
 * - buffer: stored non-learned state (BatchNorm running mean/var), counted in buffers, not params;
 * - config: operator arguments given as tensors (shapes, axes, scales, pads): never counted.
 */
export type InputRole = 'data' | 'weight' | 'buffer' | 'config';

/**
 * Receptive-field behaviour. Spatial axes are all axes but batch and channel; `axes` says where they
 * sit in the output when not the ONNX default (axes 2..rank−1), e.g. channels-last uses 1..rank−2.
 * - window: a sliding window (conv, pool): r_out = r_in + (k_eff − 1)·j_in, j_out = j_in·s;
 * - transposed: a transposed conv: j_out = j_in / s, r_out = r_in + (ceil(k_eff/s) − 1)·j_in;
 * - scale: resampling by factor f per axis (Resize/Upsample): j_out = j_in / f, r unchanged;
 * - pass: spatial layout kept (elementwise, normalisation, concat on channels): the largest r and j
 *   over the inputs that have the output's spatial rank;
 * - none: the output is no longer spatial (flatten, dense, global pooling).
 */
export type SpatialEffect =
  | { kind: 'window'; kernel: number[]; stride: number[]; dilation: number[]; axes?: number[] }
  | { kind: 'transposed'; kernel: number[]; stride: number[]; dilation: number[]; axes?: number[] }
  | { kind: 'scale'; factor: number[]; axes?: number[] }
  | { kind: 'pass'; axes?: number[] }
  | { kind: 'none' };

/** Thrown by a rule that cannot infer: the message says why (shown as a 'cannot-infer' warning). */
export class InferError extends Error {
  /** kind: the warning kind to report ('cannot-infer' unless a lint explains it better).
   * unknownInput: the failure is only that an input's shape is unknown (already reported upstream). */
  constructor(message: string, readonly kind: WarningKind = 'cannot-infer', readonly unknownInput = false) {
    super(message);
    this.name = 'InferError';
  }
}

export interface RuleContext {
  readonly node: Node;
  /** Opset version of the node's domain (0 when the model declares none, e.g. Keras). */
  readonly opset: number;
  /** Input states by position; null for an omitted optional input ('' or past the end). */
  readonly inputs: readonly (TensorState | null)[];
  /** Input i, which must be present; throws InferError naming the input otherwise. */
  input(i: number): TensorState;
  /** Shape of input i, which must be known. */
  shape(i: number): Shape;
  /** dtype of input i ('undefined' when absent). */
  dtype(i: number): DType;
  /** Folded values of input i, or undefined when not a small constant. */
  value(i: number): number[] | undefined;
  /** Elements of a shape-valued input (dims if known, else value), possibly symbolic. */
  shapeValue(i: number): Dim[] | undefined;
  attr(name: string): AttrValue | undefined;
  /** Attribute readers. Without a default, an absent attribute takes the ONNX schema's default for
   * the node's operator version (schema.ts); int/float/str fail when it has none (required). */
  int(name: string, dflt?: number): number;
  ints(name: string, dflt?: number[]): number[] | undefined;
  float(name: string, dflt?: number): number;
  str(name: string, dflt?: string): string;
  tensorAttr(name: string): TensorData | undefined;
  /** Records a lint warning against this node. */
  warn(kind: WarningKind, message: string): void;
  /** Throws InferError(message, kind). */
  fail(message: string, kind?: WarningKind): never;
  /** Infers a subgraph (If/Loop bodies) with the given formal input states; returns its output states. */
  inferSubgraph?(attrName: string, inputs: (TensorState | null)[]): (TensorState | null)[];
}

export interface OpRule {
  /** Output dtypes and shapes in output order. May throw InferError. */
  infer(ctx: RuleContext): OutputState[];
  /** Role of each input by position (missing positions are 'data'). Default: see defaultRoles. */
  roles?(ctx: RuleContext): InputRole[];
  /** Multiply-accumulates for one instance (symbolic dims count as 1). Default 0. */
  macs?(ctx: RuleContext, outputs: readonly OutputState[]): number;
  /** Learned parameters and stored non-learned state (BatchNorm moving mean/variance) computed from
   * attributes and input shapes, for formats whose weights are not node inputs (Keras and ConvLens
   * JSON layer configs, saved with or without weights). When present it replaces the count of
   * 'weight'/'buffer' inputs for this node. */
  params?(ctx: RuleContext, outputs: readonly OutputState[]): { params: number; buffers: number };
  /** Receptive-field behaviour. Default 'none'. */
  spatial?(ctx: RuleContext, outputs: readonly OutputState[]): SpatialEffect;
  /** The node's sliding window (conv, pooling): per spatial axis the numbers its output size is
   * built from and the formula, as every view shows them (src/analysis/window). */
  window?(ctx: RuleContext, outputs: readonly OutputState[]): NodeWindow;
  /** Constant folding: the elements of each output (row-major), from the inputs' elements
   * (ctx.value, or ctx.shapeValue where symbolic shape elements may flow through). The engine
   * calls it only when every present input's elements are known, every input shape is concrete
   * and every output is small (see fold.ts); it rounds the results to the output dtype. An entry
   * is undefined where the op cannot compute that output. May throw InferError (bad indices). */
  evaluate?(ctx: RuleContext, outputs: readonly OutputState[]): (Dim[] | undefined)[];
  /** For ops whose output holds one input's values re-encoded or re-laid out (DequantizeLinear, Cast,
   * Reshape, Transpose…): that input's position. A weight built this way from a stored tensor counts
   * as the stored tensor, with its stored type (an int8 initializer behind DequantizeLinear is int8). */
  storedInput?: number;
  /** For a quantised operator: the float operator it computes (QLinearConv and ConvInteger: 'Conv'),
   * whose rule gives its shape, MACs and window; the views title its layer by it. */
  twin?: string;
}

/** Rules by domain ('' is ai.onnx), then op type: two plain lookups, no key string built per call. */
const rules = new Map<string, Map<string, OpRule>>();

const normDomain = (domain: string): string => (domain === 'ai.onnx' ? '' : domain);

/** Registers a rule for each op type in the domain ('' is ai.onnx). Later registrations win. */
export function registerRule(domain: string, opTypes: readonly string[], rule: OpRule): void {
  const d = normDomain(domain);
  let byOp = rules.get(d);
  if (!byOp) rules.set(d, (byOp = new Map()));
  for (const t of opTypes) byOp.set(t, rule);
}

export function findRule(domain: string, opType: string): OpRule | undefined {
  return rules.get(normDomain(domain))?.get(opType);
}

export function registeredOps(domain: string): string[] {
  return [...(rules.get(normDomain(domain))?.keys() ?? [])].sort();
}
