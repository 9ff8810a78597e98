/**
 * Host text that PostgreSQL cannot store, made storable at the wire boundary. PostgreSQL's `text`
 * refuses the NUL character ("invalid byte sequence for encoding UTF8: 0x00") and `jsonb` refuses
 * the escape `\u0000` and any unpaired UTF-16 surrogate ("unsupported Unicode escape sequence");
 * JavaScript strings can hold both (a source file read with a broken encoding, or a crafted frame).
 * Each such code unit becomes U+FFFD REPLACEMENT CHARACTER, so the length (in UTF-16 units) and
 * every other character are kept: C0/C1 controls, noncharacters, bidi marks and astral characters
 * are valid text and pass unchanged (they are escaped where they are shown, not here).
 */

// a NUL, a high surrogate not followed by a low one, or a low surrogate not preceded by a high one
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// a cheap pre-check (no String#isWellFormed: the agent bundle runs on Node releases older than 20)
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching NUL is the point
const SUSPECT = /[\u0000\uD800-\uDFFF]/;

export const REPLACEMENT_CHARACTER = "\uFFFD";

/** `text` with NUL and lone surrogates replaced by U+FFFD; the same string when there are none. */
export function cleanWireText(text: string): string {
  // the common case allocates nothing: no NUL and no surrogate at all
  if (!SUSPECT.test(text)) return text;
  return text.replace(UNSTORABLE, REPLACEMENT_CHARACTER);
}
