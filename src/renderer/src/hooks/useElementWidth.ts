import type { RefObject } from 'react';
import { useElementSize } from './useElementSize';

/** The inner width (content box, no scrollbar) of the element, kept current as it resizes; 0 before it is laid out. */
export function useElementWidth(ref: RefObject<HTMLElement | null>): number {
  return useElementSize(ref).width;
}
