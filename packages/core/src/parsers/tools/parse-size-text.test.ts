import { expect, test } from "vitest";
import { parseSizeText } from "./parse-size-text.ts";

test.each([
  ["371M", 371 * 1024 ** 2],
  ["256MB", 256 * 1024 ** 2],
  ["1G", 1024 ** 3],
  ["64k", 64 * 1024],
  ["1.5G", 1.5 * 1024 ** 3],
  ["134217728", 134217728],
  [" 192 M ", 192 * 1024 ** 2],
  ["2GiB", 2 * 1024 ** 3],
  ["lots", null],
  ["", null],
  ["12X", null],
])("parseSizeText(%j)", (text, bytes) => {
  expect(parseSizeText(text)).toBe(bytes);
});
