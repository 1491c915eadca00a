/**
 * Text from bytes, the same in Node and in a browser: the readers run in both (the web extension
 * reads models on github.dev), where Node's Buffer does not exist.
 */
const decoder = new TextDecoder('utf-8');

export function utf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** The UTF-8 text that a base64 string encodes (TF.js graph models store strings so). */
export function base64Utf8(s: string): string {
  const bin = atob(s);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return utf8(bytes);
}
