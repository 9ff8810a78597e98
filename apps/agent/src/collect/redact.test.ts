import {
  parseDefaultKdumpTools,
  parseKdumpConf,
  parseShellAssignments,
  parseSysconfigKdump,
  type SourceResult,
} from "@kdumpwatch/core";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { REDACTED, redactSource, redactText } from "./redact.ts";

const ok = (text: string): SourceResult => ({ ok: true, text });
const textOf = (r: SourceResult) => (r.ok ? r.text : "");

describe("redactSource on the kdump configuration files", () => {
  test.each([
    ["etc_default_kdump_tools", 'FTP_PASSWORD="hunter2-secret"\n', 'FTP_PASSWORD="<redacted>"\n'],
    [
      "etc_default_kdump_tools",
      "export FTP_PASSWORD=hunter2-secret # set\n",
      'export FTP_PASSWORD="<redacted>" # set\n',
    ],
    ["etc_default_kdump_tools", "SSH_KEY=/root/.ssh/kdump_id_rsa\n", 'SSH_KEY="<redacted>"\n'],
    ["etc_default_kdump_tools", "FTP_PASSWORD=\nUSE_KDUMP=1\n", "FTP_PASSWORD=\nUSE_KDUMP=1\n"],
    ["etc_default_kdump_tools", '#FTP_PASSWORD=""\n', '#FTP_PASSWORD=""\n'],
    [
      "etc_default_kdump_tools",
      '# FTP_PASSWORD="old secret" (disabled)\nUSE_KDUMP=1\n',
      '# FTP_PASSWORD="<redacted>" (disabled)\nUSE_KDUMP=1\n',
    ],
    ["etc_default_kdump_tools", "#SSH_KEY='unclosed\nUSE_KDUMP=1\n", '#SSH_KEY="<redacted>"\nUSE_KDUMP=1\n'],
    ["sysconfig_kdump", "KDUMP_SMTP_PASSWORD='p w'\n", 'KDUMP_SMTP_PASSWORD="<redacted>"\n'],
    [
      "sysconfig_kdump",
      'KDUMP_SMTP_PASSWORD="line1\nline2"\nKDUMP_DUMPLEVEL=31\n',
      'KDUMP_SMTP_PASSWORD="<redacted>"\nKDUMP_DUMPLEVEL=31\n',
    ],
    ["sysconfig_kdump", "A=1; my_api_token=abc; B=2\n", 'A=1; my_api_token="<redacted>"; B=2\n'],
    [
      "sysconfig_kdump",
      'KDUMP_SAVEDIR="ftp://dump:hunter2@nas.example/crash"\n',
      'KDUMP_SAVEDIR="ftp://dump:<redacted>@nas.example/crash"\n',
    ],
    [
      "kdump_conf",
      "ssh kdump@10.0.0.5\nsshkey /root/.ssh/kdump_id_rsa   # key\n",
      "ssh kdump@10.0.0.5\nsshkey <redacted>   # key\n",
    ],
    ["kdump_conf", "path /var/crash\n", "path /var/crash\n"],
    [
      "kdump_conf",
      "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXkt\n-----END OPENSSH PRIVATE KEY-----\n",
      "-----BEGIN OPENSSH PRIVATE KEY-----\n<redacted>\n-----END OPENSSH PRIVATE KEY-----\n",
    ],
  ] as const)("%s: %j → %j", (id, input, expected) => {
    expect(textOf(redactSource(id, ok(input)))).toBe(expected);
  });

  test("a URL password is redacted in any source, in its text, via and detail", () => {
    const failed = redactSource("kdump_service_journal", {
      ok: false,
      error: "failed",
      detail: "mount ftp://u:topsecret@h/ failed",
      via: "sftp://u:topsecret@h/x",
    });
    expect(JSON.stringify(failed)).not.toContain("topsecret");
    expect(redactText("curl http://host:8080/x and ftp://:pw123@h/")).toBe(
      "curl http://host:8080/x and ftp://:<redacted>@h/",
    );
  });

  test("judging still sees the dump target: scheme, user and host of a redacted KDUMP_SAVEDIR", () => {
    const text = textOf(
      redactSource("sysconfig_kdump", ok('KDUMP_SAVEDIR="sftp://dump:s3cr3t@backup.example:22/var/crash"\n')),
    );
    expect(parseSysconfigKdump(text).value.saveDir.value).toBe(
      "sftp://dump:<redacted>@backup.example:22/var/crash",
    );
  });
});

/** Secrets a shell would accept inside double quotes (no `"`, `\`, `$`, backtick); long enough to be unique. */
const quotedSecret = fc.string({
  minLength: 10,
  maxLength: 40,
  unit: fc.constantFrom(..."abcXYZ019 !%&()*+,-./:;<=>?@[]^_{|}~#'\n".split("")),
});
/** Secrets written bare (a shell word) or inside a URL's userinfo. */
const wordSecret = fc.string({
  minLength: 10,
  maxLength: 40,
  unit: fc.constantFrom(..."abcXYZ019!%&*+,-.:=[]^_{}~".split("")),
});
const secretName = fc.constantFrom(
  "FTP_PASSWORD",
  "KDUMP_SMTP_PASSWORD",
  "SSH_KEY",
  "KDUMP_HOST_KEY",
  "ftp_password",
  "MySecretThing",
  "API_TOKEN",
  "sshkey_path",
);
const filler = fc.constantFrom(
  "USE_KDUMP=1",
  "KDUMP_COREDIR=/var/crash",
  "# comment",
  "",
  'KDUMP_DUMPLEVEL="31"',
);

describe("property: a generated secret never survives redaction", () => {
  test("quoted, bare and exported assignments in kdump-tools and sysconfig", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("etc_default_kdump_tools", "sysconfig_kdump") as fc.Arbitrary<
          "etc_default_kdump_tools" | "sysconfig_kdump"
        >,
        secretName,
        fc.oneof(
          quotedSecret.map((s) => ({ secret: s, written: `"${s}"` })),
          quotedSecret.filter((s) => !s.includes("'")).map((s) => ({ secret: s, written: `'${s}'` })),
          wordSecret.map((s) => ({ secret: s, written: s })),
        ),
        fc.boolean(),
        fc.array(filler, { maxLength: 4 }),
        fc.array(filler, { maxLength: 4 }),
        (id, name, { secret, written }, exported, before, after) => {
          const statement = `${exported ? "export " : ""}${name}=${written}`;
          const input = [...before, statement, ...after].join("\n");
          const out = textOf(redactSource(id, ok(input)));
          expect(out, input).not.toContain(secret);
          // the file still parses, and the variable reads <redacted>
          const parsed = parseShellAssignments(out).value.vars;
          expect(parsed[name], out).toBe(REDACTED);
          if (before.includes("USE_KDUMP=1") || after.includes("USE_KDUMP=1"))
            expect(parsed.USE_KDUMP).toBe("1");
        },
      ),
      { numRuns: 500 },
    );
  });

  test("passwords inside URLs of any assignment, the host kept", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("KDUMP_SAVEDIR", "NFS", "FTP", "KDUMP_SMTP_SERVER"),
        fc.constantFrom("ftp", "sftp", "ssh", "nfs", "smtp"),
        fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/),
        wordSecret.filter((s) => !s.includes(":")),
        fc.boolean(),
        (name, scheme, user, secret, quoted) => {
          const url = `${scheme}://${user}:${secret}@dump-host.example/var/crash`;
          const input = `USE_KDUMP=1\n${name}=${quoted ? `"${url}"` : url}\n`;
          const out = textOf(redactSource("sysconfig_kdump", ok(input)));
          expect(out, input).not.toContain(secret);
          expect(out).toContain(`${scheme}://${user}:${REDACTED}@dump-host.example/var/crash`);
        },
      ),
      { numRuns: 500 },
    );
  });

  test("kdump.conf directives naming a key or password", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("sshkey", "fence_password", "SSHKEY"),
        wordSecret.filter((s) => !s.includes("#")),
        (directive, secret) => {
          const input = `ssh kdump@10.0.0.5\n${directive} ${secret}\npath /var/crash\n`;
          const out = textOf(redactSource("kdump_conf", ok(input)));
          expect(out, input).not.toContain(secret);
          const conf = parseKdumpConf(out).value;
          expect(conf.target?.value).toBe("kdump@10.0.0.5");
          expect(conf.path.value).toBe("/var/crash");
        },
      ),
      { numRuns: 300 },
    );
  });

  test("redaction is idempotent and keeps what kdump-tools parses", () => {
    const input = "USE_KDUMP=1\nFTP=ftp.example\nFTP_USER=dump\nFTP_PASSWORD=hunter2hunter2\n";
    const once = textOf(redactSource("etc_default_kdump_tools", ok(input)));
    expect(textOf(redactSource("etc_default_kdump_tools", ok(once)))).toBe(once);
    const parsed = parseDefaultKdumpTools(once).value;
    expect(parsed.useKdump?.value).toBe("1");
  });
});

describe("linear time", () => {
  test.each([
    ["://", "://"],
    ["a", "a"],
    ['X="', 'X="'],
    ["-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----"],
    ["u:p@", "ftp://u:p@"],
    ["#X_KEY='", "#X_KEY='\n"],
    ["X_KEY=\\", "X_KEY=\\"],
  ])("1 MB of %j finishes (no quadratic scan)", (_label, unit) => {
    const text = unit.repeat(Math.ceil(1_000_000 / unit.length));
    for (const id of ["etc_default_kdump_tools", "kdump_conf", "sysconfig_kdump", "dmesg"] as const) {
      expect(typeof textOf(redactSource(id, ok(text)))).toBe("string");
    }
  });
});
