// TextDecoder is a web standard both runtimes have (the DOM lib and @types/node declare it for
// addin/ and server/); common/tsconfig.json has neither, so it gets only what common/ndjson.ts uses.
// https://encoding.spec.whatwg.org/#interface-textdecoder
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
