import type { KdumpToolsMessageCode } from "./kdump-message-rules.ts";
import type { LogStamp } from "./log-stamp.ts";
import type { KdumpUnit, ServiceEventCode } from "./service-units.ts";
import type { ToolLine } from "./text-lines.ts";

export type JournalFindingCode = KdumpToolsMessageCode | ServiceEventCode;

/** One recognised line of a kdump service log (journal, syslog, `systemctl status`, raw output). */
export interface JournalFinding extends ToolLine {
  code: JournalFindingCode;
  severity: "error" | "warning" | "info";
  /** syslog identifier of the line (kdump-tools, kdumpctl, systemd…), null for raw output */
  ident: string | null;
  /** the message without prefix and decoration */
  message: string;
  /** errno text, path… (see KdumpToolsMessage.detail) */
  detail: string | null;
  /** every input line the finding rests on (two for Debian's split `...` / ` failed!`) */
  evidence: ToolLine[];
  /** the kdump unit a systemd line is about (null: not a systemd line, or not recognisable) */
  unit: KdumpUnit | null;
  /** which boot of the text the line belongs to (0 = before the first boot marker) */
  boot: number;
  stamp: LogStamp | null;
}
