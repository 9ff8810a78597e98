import { toByteCount } from "../byte-count.ts";
import {
  parseDefaultKdumpTools,
  parseDf,
  parseDumpListing,
  parseKdumpConf,
  parseKdumpConfigShow,
  parseSysconfigKdump,
} from "../parsers/tools/index.ts";
import type { DumpEntry, DumpsFacts, DumpTargetFacts, Evidence, KdumpFacts } from "./host-facts.ts";
import { ev, type SourceContext } from "./source-context.ts";

/**
 * Where dumps go and how much room there is (domain §4.4, §5.1, §6.5): KDUMP_COREDIR of
 * /etc/default/kdump-tools (or the `KDUMP_COREDIR:` line of show), else kdump.conf `path`;
 * SSH/NFS/FTP (kdump-tools) or a kdump.conf target make it remote/dedicated. Free space from
 * `df` of that directory.
 */
export function buildDumpTarget(ctx: SourceContext, kdump: KdumpFacts): DumpTargetFacts {
  const evidence: Evidence[] = [];
  const defaults = ctx.parse("etc_default_kdump_tools", parseDefaultKdumpTools);
  const show = ctx.parse("kdump_config_show", parseKdumpConfigShow);
  const conf = ctx.parse("kdump_conf", parseKdumpConf);
  const el = kdump.tool === "kdumpctl" || (defaults === null && show?.found !== true && conf !== null);

  let coredir: string | null = null;
  let remote: DumpTargetFacts["remote"] = null;
  if (!el && defaults !== null) {
    coredir = defaults.coredir.value;
    if (defaults.coredir.text !== null) evidence.push(ev("etc_default_kdump_tools", defaults.coredir.text));
    const r = defaults.remoteTargets[0];
    if (r) {
      remote = { kind: r.kind, target: r.target };
      evidence.push(ev("etc_default_kdump_tools", r.text));
    }
  }
  if (!el && show?.coredir) {
    coredir ??= show.coredir.value;
    evidence.push(ev("kdump_config_show", show.coredir.text));
  }
  if (!el && remote === null && show) {
    const kind = show.remoteTargets[0];
    const field = kind ? show.remote[kind] : null;
    if (kind && field) {
      remote = { kind, target: field.value };
      evidence.push(ev("kdump_config_show", field.text));
    }
  }
  // SUSE: KDUMP_SAVEDIR is a path or a URL (file:///var/crash, ssh://, nfs://, ftp://, sftp://,
  // cifs://; openSUSE/kdump sysconfig.kdump.in), KDUMP_KEEP_OLD_DUMPS the retention (0 = keep all)
  const sysconfig = ctx.parse("sysconfig_kdump", parseSysconfigKdump);
  let suseKeep: number | null = null;
  if (coredir === null && sysconfig?.flavour === "suse") {
    const saved = suseSaveDir(sysconfig.saveDir.value);
    coredir = saved.dir;
    remote = saved.remote;
    if (sysconfig.saveDir.text !== null) evidence.push(ev("sysconfig_kdump", sysconfig.saveDir.text));
    const keep = Number.parseInt(sysconfig.keepOldDumps.value, 10);
    suseKeep = Number.isFinite(keep) ? keep : null;
  }
  if (coredir === null && conf !== null) {
    coredir = conf.path.value;
    if (conf.path.text !== null) evidence.push(ev("kdump_conf", conf.path.text));
    if (conf.target) {
      remote = { kind: conf.target.kind, target: conf.target.value };
      evidence.push(ev("kdump_conf", conf.target.text));
    }
  }

  const df = ctx.parse("df_dump_dir", (t) => parseDf(t, coredir ?? "/var/crash"));
  const fs = df?.match ?? null;
  if (fs) evidence.push(ev("df_dump_dir", fs.text));
  return {
    coredir,
    remote,
    freeBytes: fs?.availableBytes ?? null,
    sizeBytes: fs?.sizeBytes ?? null,
    mount: fs?.mount ?? null,
    numDumps: !el && defaults !== null ? defaults.numDumpsCount : suseKeep,
    evidence,
  };
}

/** SUSE's KDUMP_SAVEDIR: a local path (plain or file://) or a remote URL. */
function suseSaveDir(value: string): { dir: string | null; remote: DumpTargetFacts["remote"] } {
  const url = /^(\w+):\/\/(.*)$/.exec(value.trim());
  if (!url) return { dir: value.trim() || "/var/crash", remote: null };
  const scheme = url[1]!.toLowerCase();
  if (scheme === "file") return { dir: url[2] || "/var/crash", remote: null };
  const kind =
    scheme === "nfs"
      ? "nfs"
      : scheme === "ftp"
        ? "ftp"
        : scheme === "ssh" || scheme === "sftp"
          ? "ssh"
          : "fs";
  return { dir: null, remote: { kind, target: value.trim() } };
}

/** Dumps in the dump directory, newest first (domain §4.6, §6.6; trap 21). */
export function buildDumps(ctx: SourceContext): DumpsFacts {
  const listing = ctx.parse("dump_dir_listing", parseDumpListing);
  if (listing === null)
    return { listed: false, entries: [], apportReports: [], newestStamp: null, evidence: [] };
  const entries: DumpEntry[] = listing.dumps.map((d) => ({
    name: d.name,
    stamp: d.stamp,
    time: d.time,
    complete: d.completeness === "complete" ? true : d.completeness === "unlisted" ? null : false,
    sizeBytes: toByteCount(d.coreBytes ?? d.sizeBytes),
  }));
  const evidence: Evidence[] = [];
  for (const d of listing.dumps.slice(0, 5))
    for (const line of d.evidence) evidence.push(ev("dump_dir_listing", line.text));
  for (const a of listing.apportReports.slice(0, 5)) evidence.push(ev("dump_dir_listing", a.text));
  return {
    listed: true,
    entries,
    apportReports: listing.apportReports.map((a) => a.name),
    newestStamp: listing.dumps[0]?.stamp ?? null,
    evidence,
  };
}
