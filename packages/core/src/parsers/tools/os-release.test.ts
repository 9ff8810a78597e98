import { describe, expect, test } from "vitest";
import { parseOsRelease } from "./os-release.ts";

describe("parseOsRelease", () => {
  test.each([
    [
      "ubuntu 22.04",
      'PRETTY_NAME="Ubuntu 22.04.4 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\n',
      { id: "ubuntu", idLike: ["debian"], versionId: "22.04", versionCodename: "jammy" },
    ],
    [
      "rhel 9",
      'NAME="Red Hat Enterprise Linux"\r\nVERSION_ID="9.4"\r\nID="rhel"\r\nID_LIKE="fedora"\r\n',
      { id: "rhel", idLike: ["fedora"], versionId: "9.4", versionCodename: null },
    ],
    [
      "rocky with two ID_LIKE",
      'ID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="8.9"\n',
      { id: "rocky", idLike: ["rhel", "centos", "fedora"], versionId: "8.9", versionCodename: null },
    ],
    [
      "sles",
      'ID="sles"\nID_LIKE="suse"\nVERSION_ID="15.5"',
      { id: "sles", idLike: ["suse"], versionId: "15.5", versionCodename: null },
    ],
    ["empty", "", { id: null, idLike: [], versionId: null, versionCodename: null }],
  ])("%s", (_n, text, want) => {
    const { value } = parseOsRelease(text);
    expect({
      id: value.id,
      idLike: value.idLike,
      versionId: value.versionId,
      versionCodename: value.versionCodename,
    }).toEqual(want);
  });
});
