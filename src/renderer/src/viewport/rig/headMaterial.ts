import type { Texture as Texture2D } from '../../../../common/render/decaBuffers';
import { BackSide, Color, DataTexture, LinearFilter, MeshBasicMaterial, RGBAFormat, ShaderMaterial, Texture, Vector3 } from 'three';

// One shader for every display mode so switching modes is a uniform change, not a new
// material. Shading follows DECA: albedo × Σ_k c_k L_k Y_k(n), with n the head's own vertex
// normal (DECA lights the head in its model frame, so orbiting the view does not move the
// light) and no clamping of the shading itself; the colour is clamped only for display.

export type DisplayMode = 'shaded' | 'normals' | 'albedo' | 'wireframe';

const modeCodes: Record<DisplayMode, number> = { shaded: 0, normals: 1, albedo: 2, wireframe: 3 };

const vertexShader = /* glsl */ `
varying vec3 vModelNormal;
varying vec2 vUv;
void main() {
  vModelNormal = normal;
  #ifdef USE_UV_ATTRIBUTE
  vUv = uv;
  #else
  vUv = vec2(0.0);
  #endif
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}
`;

const fragmentShader = /* glsl */ `
uniform int mode;
uniform vec3 sh[9];
uniform sampler2D albedoMap;
uniform bool hasAlbedoMap;
uniform vec3 flatAlbedo;
uniform vec3 wireColor;
varying vec3 vModelNormal;
varying vec2 vUv;
void main() {
  // DECA interpolates unit vertex normals and uses them as they come (not renormalised) for
  // both the normal buffer and the shading; so does this, so the view matches the buffers.
  vec3 n = vModelNormal;
  vec3 albedo = hasAlbedoMap ? texture2D(albedoMap, vUv).rgb : flatAlbedo;
  vec3 color;
  if (mode == 1) {
    color = n * 0.5 + 0.5;
  } else if (mode == 2) {
    color = albedo;
  } else if (mode == 3) {
    color = wireColor;
  } else {
    vec3 shading = sh[0]
      + sh[1] * n.x + sh[2] * n.y + sh[3] * n.z
      + sh[4] * n.x * n.y + sh[5] * n.x * n.z + sh[6] * n.y * n.z
      + sh[7] * (n.x * n.x - n.y * n.y)
      + sh[8] * (3.0 * n.z * n.z - 1.0);
    color = albedo * shading;
  }
  gl_FragColor = vec4(clamp(color, 0.0, 1.0), 1.0);
}
`;

/** The flat albedo used without a texture: the buffer renderer's default (0.7 grey), so the 3D
 * view and the buffer panels agree. */
export const flatAlbedo = new Color(0.7, 0.7, 0.7);

/**
 * The inside of the head, drawn where the view sees a back face: FLAME has no mouth interior, so
 * with the jaw open the view looks into the hollow head, and culling its back faces would show
 * the photo or the background through the mouth. A dark, unlit mouth colour instead (a model
 * with its own mouth interior, like the demo head, hides these faces behind its own).
 */
export function createCavityMaterial(): MeshBasicMaterial {
  return new MeshBasicMaterial({ color: 0x2a1012, side: BackSide }); // sRGB, as three reads hex colours
}

/** The head's material; one per viewport, updated through `setHeadMaterialState`. */
export function createHeadMaterial(albedoMap: Texture | null): ShaderMaterial {
  return new ShaderMaterial({
    vertexShader,
    fragmentShader,
    defines: albedoMap ? { USE_UV_ATTRIBUTE: '' } : {},
    uniforms: {
      mode: { value: 0 },
      sh: { value: Array.from({ length: 9 }, () => new Vector3()) },
      albedoMap: { value: albedoMap },
      hasAlbedoMap: { value: albedoMap !== null },
      flatAlbedo: { value: new Vector3(flatAlbedo.r, flatAlbedo.g, flatAlbedo.b) },
      wireColor: { value: new Vector3(0.85, 0.9, 1.0) },
    },
  });
}

/** Sets the display mode and the pre-scaled SH coefficients (c_k · L_k, 9×3 row-major). */
export function setHeadMaterialState(material: ShaderMaterial, mode: DisplayMode, scaledSh: Float32Array): void {
  material.uniforms.mode.value = modeCodes[mode];
  material.wireframe = mode === 'wireframe';
  const sh = material.uniforms.sh.value as Vector3[];
  for (let k = 0; k < 9; k++) sh[k].set(scaledSh[k * 3], scaledSh[k * 3 + 1], scaledSh[k * 3 + 2]);
}

/** Uploads an (H,W,3) RGB albedo (row 0 at the top, v = 1) as a GL texture (row 0 at v = 0). */
export function albedoTexture(rgb: Uint8Array, height: number, width: number): DataTexture {
  const rgba = new Uint8Array(width * height * 4);
  // Rows arrive top first (image order); GL textures start at the bottom row.
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (y * width + x) * 3;
      const to = ((height - 1 - y) * width + x) * 4;
      rgba[to] = rgb[from];
      rgba[to + 1] = rgb[from + 1];
      rgba[to + 2] = rgb[from + 2];
      rgba[to + 3] = 255;
    }
  }
  const texture = new DataTexture(rgba, width, height, RGBAFormat);
  // Bilinear like DECA's grid_sample (DataTexture defaults to nearest).
  texture.magFilter = LinearFilter;
  texture.minFilter = LinearFilter;
  // Raw values, as DECA samples them: no sRGB decode (the shader writes colours unconverted).
  texture.needsUpdate = true;
  return texture;
}

/** The same albedo as the buffer renderer's float texture (values / 255, row 0 at the top). */
export function floatTexture(rgb: Uint8Array, height: number, width: number): Texture2D {
  const data = new Float32Array(rgb.length);
  for (let i = 0; i < rgb.length; i++) data[i] = rgb[i] / 255;
  return { width, height, data };
}
