/**
 * Scope path of a node from its name, for grouping nodes into collapsible blocks.
 *
 * Rule: a name is split on '/', empty segments are dropped, and the LAST segment is taken to be
 * the node itself, so it is not part of the scope:
 *   '/layer1/layer1.0/conv1/Conv' -> ['layer1', 'layer1.0', 'conv1']   (PyTorch's exporter)
 *   'layer1/0/conv1'              -> ['layer1', '0']                    (TF/Keras style)
 *   'model/block1/'               -> ['model', 'block1']                (trailing '/': the node has no own segment)
 *   'Conv_12', 'conv1.weight', '' -> []                                 (flat)
 * Dots are not scope separators: PyTorch weight names ('layer1.0.conv1.weight') use them inside
 * one module path segment, and the exporter's node names already carry the '/' hierarchy.
 */
export function scopeFromName(name: string): string[] {
  const last = name.lastIndexOf('/');
  if (last < 0) return [];
  // Counted first, then filled: an exactly sized array (this runs once per node of large graphs).
  let count = 0;
  for (let start = 0; start < last; ) {
    const slash = name.indexOf('/', start);
    if (slash > start) count++;
    start = slash + 1;
  }
  const parts = new Array<string>(count);
  let k = 0;
  for (let start = 0; start < last; ) {
    const slash = name.indexOf('/', start);
    if (slash > start) parts[k++] = name.slice(start, slash);
    start = slash + 1;
  }
  return parts;
}
