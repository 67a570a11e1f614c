import type { PhotoHead } from '../../../common/contract/viewport';

/**
 * What the viewport says about the photo it shows the head over: the file and which codes pose
 * the head (the researcher's saved edits, or the estimator's own), so nobody mistakes one for
 * the other when comparing with photo detail or an edit.
 */
export function photoHeadLabel(head: Pick<PhotoHead, 'fileName' | 'estimator' | 'edited'>): string {
  return head.edited ? `${head.fileName} · edited codes (saved in photo detail; estimated by ${head.estimator})` : `${head.fileName} · codes as estimated by ${head.estimator}`;
}
