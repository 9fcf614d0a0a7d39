/** Base64 ↔ bytes in the browser (atob/btoa work on "binary strings", one char per byte). */

/** The first `limit` bytes (all by default) of a base64 string; an empty array when it is no base64. */
export function base64Bytes(base64: string, limit = Infinity): Uint8Array {
  // 4 base64 characters make 3 bytes: decode only what is needed.
  const head = Number.isFinite(limit) ? base64.slice(0, Math.ceil(limit / 3) * 4) : base64;
  try {
    return Uint8Array.from(atob(head), (c) => c.charCodeAt(0));
  } catch {
    return new Uint8Array(0);
  }
}

/** Bytes → base64, in slices so a multi-MB picture never builds one giant argument list. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const SLICE = 0x8000;
  for (let i = 0; i < bytes.length; i += SLICE) binary += String.fromCharCode(...bytes.subarray(i, i + SLICE));
  return btoa(binary);
}
