/**
 * Does this JSON text (its first few kilobytes) look like a model ConvLens can show?
 * A cheap test on markers each format has near its top, for the editor-title button only;
 * the readers decide for real (and say why when they cannot).
 */
const MARKERS: RegExp[] = [
  /"modelTopology"\s*:/, // TF.js model.json
  /"keras_version"\s*:/, // Keras model.to_json() / saved configs
  /"class_name"\s*:\s*"(Sequential|Model|Functional)"/, // Keras without the version field
];

export function looksLikeModelJson(head: string): boolean {
  return MARKERS.some((m) => m.test(head));
}
