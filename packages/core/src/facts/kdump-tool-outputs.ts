import {
  parseDefaultKdumpTools,
  parseKdumpConfigShow,
  parseKdumpConfigStatus,
  parseKdumpConfigTest,
  parseKdumpctlEstimate,
  parseKdumpctlShowmem,
  parseKdumpctlStatus,
  parseKdumptoolCalibrate,
} from "../parsers/tools/index.ts";
import type { SourceContext } from "./source-context.ts";

/** The tools' own outputs, each parsed once (null when the source is absent). */
export function readToolOutputs(ctx: SourceContext) {
  return {
    show: ctx.parse("kdump_config_show", parseKdumpConfigShow),
    status: ctx.parse("kdumpctl_status", parseKdumpctlStatus),
    estimate: ctx.parse("kdumpctl_estimate", parseKdumpctlEstimate),
    defaults: ctx.parse("etc_default_kdump_tools", parseDefaultKdumpTools),
    cfgStatus: ctx.parse("kdump_config_status", parseKdumpConfigStatus),
    cfgTest: ctx.parse("kdump_config_test", parseKdumpConfigTest),
    showmem: ctx.parse("kdumpctl_showmem", parseKdumpctlShowmem),
    calibrate: ctx.parse("kdumptool_calibrate", parseKdumptoolCalibrate),
  };
}

export type ToolOutputs = ReturnType<typeof readToolOutputs>;
