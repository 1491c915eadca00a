/** Returns a function that runs `draw` in the next animation frame, once however often it is
 * called before then: many pointer or wheel events in one frame cost one redraw. */
export function oncePerFrame(draw: () => void): () => void {
  let queued = false;
  return () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      draw();
    });
  };
}
