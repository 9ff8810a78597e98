import type { Keep } from "../sources/reader.ts";

/**
 * Bytes of one source, held to a cap. `head` keeps the first maxBytes and reports when it is
 * full (the reader can stop early); `tail` keeps the last maxBytes of everything pushed.
 * When the cap cut the text, it is trimmed to whole lines so no parser sees half a line.
 */
export class CappedBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  private cut = false;

  constructor(
    private readonly maxBytes: number,
    private readonly keep: Keep = "head",
  ) {}

  /** Adds bytes; returns false once a head buffer is full and more input would be dropped. */
  push(chunk: Buffer): boolean {
    if (this.keep === "head") {
      const room = this.maxBytes - this.size;
      if (chunk.length > room) {
        this.cut = true;
        if (room > 0) this.append(chunk.subarray(0, room));
        return false;
      }
      this.append(chunk);
      return true;
    }
    this.append(chunk);
    if (this.size > 2 * this.maxBytes) this.compactTail();
    return true;
  }

  /** The input's start was skipped unread (tail of a large file): the text is cut. */
  markSkipped(): void {
    this.cut = true;
  }

  get truncated(): boolean {
    return this.cut || (this.keep === "tail" && this.size > this.maxBytes);
  }

  text(): string {
    let bytes = Buffer.concat(this.chunks);
    if (this.keep === "tail" && (bytes.length > this.maxBytes || this.cut)) {
      // one byte more than kept: tells whether the kept part starts on a line boundary
      const before = bytes.length > this.maxBytes ? bytes[bytes.length - this.maxBytes - 1] : undefined;
      bytes = bytes.subarray(Math.max(0, bytes.length - this.maxBytes));
      this.cut = true;
      if (before === 0x0a) return bytes.toString("utf8");
    }
    if (!this.cut) return bytes.toString("utf8");
    if (this.keep === "head") {
      const lastNewline = bytes.lastIndexOf(0x0a);
      return (lastNewline >= 0 ? bytes.subarray(0, lastNewline + 1) : bytes).toString("utf8");
    }
    const firstNewline = bytes.indexOf(0x0a);
    return (firstNewline >= 0 ? bytes.subarray(firstNewline + 1) : bytes).toString("utf8");
  }

  private append(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  private compactTail(): void {
    const all = Buffer.concat(this.chunks);
    const kept = all.subarray(all.length - this.maxBytes - 1);
    this.chunks = [Buffer.from(kept)];
    this.size = kept.length;
    this.cut = true;
  }
}
