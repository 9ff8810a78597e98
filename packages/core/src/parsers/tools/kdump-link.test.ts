import { expect, test } from "vitest";
import { parseKdumpLink } from "./kdump-link.ts";

test.each([
  [
    "   /var/lib/kdump/vmlinuz: symbolic link to /boot/vmlinuz-6.8.0-45-generic",
    {
      path: "/var/lib/kdump/vmlinuz",
      kind: "symlink",
      target: "/boot/vmlinuz-6.8.0-45-generic",
      kernelVersion: "6.8.0-45-generic",
    },
  ],
  [
    "/var/lib/kdump/initrd.img: broken symbolic link to /var/lib/kdump/initrd.img-5.4.0-1-generic",
    {
      path: "/var/lib/kdump/initrd.img",
      kind: "broken-symlink",
      target: "/var/lib/kdump/initrd.img-5.4.0-1-generic",
      kernelVersion: "5.4.0-1-generic",
    },
  ],
  [
    "/var/lib/kdump/vmlinuz: symbolic link to '/boot/vmlinux-6.8.0-45-generic'",
    {
      path: "/var/lib/kdump/vmlinuz",
      kind: "symlink",
      target: "/boot/vmlinux-6.8.0-45-generic",
      kernelVersion: "6.8.0-45-generic",
    },
  ],
  [
    "   /var/lib/kdump/vmlinuz",
    { path: "/var/lib/kdump/vmlinuz", kind: "path", target: null, kernelVersion: null },
  ],
  [
    "   /boot/vmlinuz-4.4.0-10-generic",
    { path: "/boot/vmlinuz-4.4.0-10-generic", kind: "path", target: null, kernelVersion: "4.4.0-10-generic" },
  ],
  ["current state:    ready to kdump", null],
  ["/a path with blanks but no link", null],
])("parseKdumpLink(%j)", (line, want) => {
  expect(parseKdumpLink(line)).toEqual(want);
});
