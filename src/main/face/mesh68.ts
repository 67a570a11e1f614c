/**
 * The 68 iBUG / dlib / FAN landmarks (the set DECA, EMOCA and the FFHQ alignment use) derived
 * from the 468 points of the MediaPipe face mesh.
 *
 * Each iBUG point is the mean of one or two mesh vertices. How the table was made: the mesh's
 * own named contours (lips outer/inner rings, eye rings, brows, silhouette, nose line — as
 * listed in @vladmandic/human `src/face/facemeshcoords.ts`, MIT, from MediaPipe's canonical face
 * model) give the anatomical curves; iBUG points were placed on those curves at the positions
 * the iBUG-300W annotation guide defines (eye and mouth corners, cupid's bow peaks, lip centres,
 * nose tip and alar bases, brow arcs in five, jaw in seventeen from ear to ear). Where the iBUG
 * point falls between two mesh vertices (the jaw near the mandible angle, the nose bridge) the
 * two are averaged. The table agrees with published correspondences (human's `VTX68`, and
 * PeizhiYan/Mediapipe_2_Dlib_Landmarks) except where those pick a neighbouring vertex; tests
 * check left–right symmetry on the canonical UV layout and the order of every contour.
 *
 * iBUG indexing (0-based): 0–16 jaw (subject's right ear → chin (8) → left ear), 17–21 right
 * brow, 22–26 left brow, 27–30 nose bridge (top → tip), 31–35 nose base (right → left),
 * 36–41 right eye (outer corner, clockwise), 42–47 left eye (inner corner, clockwise),
 * 48–59 outer lip (right corner, clockwise over the top), 60–67 inner lip. "Right" is the
 * subject's right, which is the image's left in a frontal photo.
 */

/** Mesh vertex indices averaged for each iBUG point, in iBUG order. */
export const MESH_TO_IBUG68: readonly (readonly number[])[] = Object.freeze([
  // jaw 0–16
  [127], [234], [93], [132, 58], [58, 172], [136], [150], [176], [152],
  [400], [379], [365], [397, 288], [361, 288], [323], [454], [356],
  // right brow 17–21, left brow 22–26
  [70], [63], [105], [66], [107],
  [336], [296], [334], [293], [300],
  // nose bridge 27–30 (nasion → tip), nose base 31–35
  [168, 6], [197, 195], [5], [4],
  [98], [97], [2], [326], [327],
  // right eye 36–41: outer corner, upper lid ×2, inner corner, lower lid ×2
  [33], [160], [158], [133], [153], [144],
  // left eye 42–47: inner corner, upper lid ×2, outer corner, lower lid ×2
  [362], [385], [387], [263], [373], [380],
  // outer lip 48–59: right corner, upper lip to left corner, lower lip back
  [61], [40], [37], [0], [267], [270], [291], [321], [314], [17], [84], [91],
  // inner lip 60–67: right corner, upper, left corner, lower
  [78], [81], [13], [311], [308], [402], [14], [178],
].map((g) => Object.freeze(g)));

/** Named iBUG index groups (used by alignment and plausibility checks). */
export const IBUG = Object.freeze({
  jaw: range(0, 17),
  rightBrow: range(17, 22),
  leftBrow: range(22, 27),
  noseBridge: range(27, 31),
  noseBase: range(31, 36),
  rightEye: range(36, 42),
  leftEye: range(42, 48),
  outerLip: range(48, 60),
  innerLip: range(60, 68),
});

/**
 * Left–right mirror of each iBUG point (the point it becomes when the face is flipped).
 * Used by the symmetry test of the table.
 */
export const IBUG_MIRROR: readonly number[] = Object.freeze([
  16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0,
  26, 25, 24, 23, 22, 21, 20, 19, 18, 17,
  27, 28, 29, 30, 35, 34, 33, 32, 31,
  45, 44, 43, 42, 47, 46, 39, 38, 37, 36, 41, 40,
  54, 53, 52, 51, 50, 49, 48, 59, 58, 57, 56, 55,
  64, 63, 62, 61, 60, 67, 66, 65,
]);

/** 68 iBUG points from 468 (or 478) mesh points given as [x, y(, z)] rows. */
export function meshToIbug68(mesh: readonly (readonly number[])[]): [number, number][] {
  if (mesh.length < 468) throw new Error(`face mesh has ${mesh.length} points, expected 468`);
  return MESH_TO_IBUG68.map((group) => {
    let x = 0;
    let y = 0;
    for (const i of group) {
      x += mesh[i][0];
      y += mesh[i][1];
    }
    return [x / group.length, y / group.length];
  });
}

function range(a: number, b: number): number[] {
  return Array.from({ length: b - a }, (_, i) => a + i);
}
