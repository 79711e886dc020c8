/**
 * What "the same body" means for a definition entity: the SHA-256 of the canonical JSON of the body
 * without `version` (so key order and the version number do not count), and the size of the body.
 * Pure and deterministic (@noble/hashes is plain JavaScript): runs in the workflow sandbox.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalJson } from './canonical-json';

/** The digest and the size of a definition body. */
export interface BodyFingerprint {
  /** SHA-256, hex, of the canonical JSON without `version`. */
  digest: string;
  /** UTF-8 bytes of the canonical JSON of the whole body. */
  bytes: number;
}

/** Fingerprints `definition`. */
export function fingerprintBody(definition: object): BodyFingerprint {
  const withoutVersion = utf8ToBytes(canonicalJson({ ...definition, version: undefined }));
  return { digest: bytesToHex(sha256(withoutVersion)), bytes: utf8ToBytes(canonicalJson(definition)).length };
}
