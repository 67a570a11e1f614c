import { useEffect, useRef, useState } from 'react';
import { useOverlay } from './overlayStore';

export interface PhotoOverlayProps {
  /** The photo under the overlay: only its own estimate is drawn. */
  photoId: number;
}

interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * The detection box and the 68 landmarks over the photo in the detail view. Placed right after
 * the photo's <img>, it follows that image's box (the image keeps its aspect ratio, so its box
 * is the picture) and draws in the photo's pixel coordinates through the viewBox.
 */
export function PhotoOverlay({ photoId }: PhotoOverlayProps) {
  const { view, showBox, showLandmarks } = useOverlay();
  const ref = useRef<SVGSVGElement>(null);
  const [rect, setRect] = useState<Rect | null>(null);

  useEffect(() => {
    const overlay = ref.current;
    const parent = overlay?.parentElement;
    if (!overlay || !parent) return;
    let unbind = () => {};
    // (re)binds to the image before the overlay: the detail view swaps the original for its
    // preview when the browser cannot decode it
    const bind = () => {
      unbind();
      const image = overlay.previousElementSibling;
      if (!(image instanceof HTMLImageElement)) {
        setRect(null);
        return;
      }
      const measure = () => setRect({ left: image.offsetLeft, top: image.offsetTop, width: image.offsetWidth, height: image.offsetHeight });
      measure();
      const resize = new ResizeObserver(measure);
      resize.observe(image);
      resize.observe(parent); // the image moves when the stage is resized around it
      image.addEventListener('load', measure);
      unbind = () => {
        resize.disconnect();
        image.removeEventListener('load', measure);
      };
    };
    bind();
    const children = new MutationObserver(bind);
    children.observe(parent, { childList: true });
    return () => {
      children.disconnect();
      unbind();
    };
  }, [photoId]);

  const mine = view && view.photoId === photoId ? view : null;
  const visible = mine && rect && rect.width > 0 && (showBox || showLandmarks);
  const { width, height } = mine?.photoSize ?? { width: 1, height: 1 };
  // one screen pixel in photo pixels: marks keep their on-screen size at any photo size
  const unit = rect && rect.width > 0 ? width / rect.width : 1;
  return (
    <svg
      ref={ref}
      className="photo-overlay"
      data-testid="photo-overlay"
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      style={visible ? { left: rect.left, top: rect.top, width: rect.width, height: rect.height } : { display: 'none' }}
      aria-hidden="true"
    >
      {mine && showBox &&
        mine.faceBoxes.map(([x, y, w, h], index) => (
          <rect key={index} x={x} y={y} width={w} height={h} className={index === mine.faceIndex ? 'overlay-box' : 'overlay-box other'} strokeWidth={1.5 * unit} data-testid={index === mine.faceIndex ? 'overlay-box' : undefined} />
        ))}
      {mine && showLandmarks && (
        <g className="overlay-landmarks" data-testid="overlay-landmarks">
          {mine.landmarks.map(([x, y], index) => (
            <circle key={index} cx={x} cy={y} r={2.2 * unit} />
          ))}
        </g>
      )}
    </svg>
  );
}
