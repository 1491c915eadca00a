/**
 * A table lookup by a key from a model file (a layer class, an op type). `table[key]` on an object
 * literal also finds what Object.prototype holds: a Keras layer whose class_name is 'constructor' got
 * Object itself as its class and crashed the analysis. Only the table's own entries count here.
 */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}
