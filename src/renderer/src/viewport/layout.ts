/**
 * The 3D view's canvas size for a window height: what is left under the top bar, the photo
 * picker, the title, the display bar and the export row, in steps of 32 px, between 384 and 768.
 */
export function fittedCanvasSize(windowHeight: number): number {
  const chrome = 300;
  const fit = Math.floor((windowHeight - chrome) / 32) * 32;
  return Math.min(768, Math.max(384, fit));
}
