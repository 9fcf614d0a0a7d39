/** Four random base-36 characters for unique sheet names (crypto where present: no Math.random collisions across co-authors). */
export function randomSuffix(): string {
  const bytes = new Uint8Array(4);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => (b % 36).toString(36)).join('');
}
