/**
 * The timestamp at the start of a log line, in every format a kdump host writes or a person pastes:
 *
 *     2024-01-21T06:59:11+0000 host kdumpctl[812]: …          journalctl -o short-iso, RFC 3339, rsyslog
 *     Mon 2024-01-21 06:59:11 UTC host systemd[1]: …          journalctl -o short-full
 *     Jan 21 06:59:11 host kdump-tools[5348]: …               classic syslog / journalctl short
 *     Mär 03 10:00:01 host systemd[1]: …                      the same under a de_DE locale (strftime %b)
 *     9月 17 16:52:14 localhost systemd[1]: …                 … under zh_CN / ja_JP
 *     + 2021-01-05 01:36:17 /usr/bin/kdumpctl@757: …          /var/log/kdump.log (`set -x` with a dated PS4)
 *
 * The stamp is split off and read into its parts. A classic syslog stamp has no year and no zone,
 * so `epochMs` is only set when both are known; `localKey` orders stamps written by the same host
 * clock (same year assumed) and is what boot placement compares.
 */

export interface LogStamp {
  /** "iso": has a year; "syslog": month and day only; "monotonic": `[  12.345]` seconds since boot */
  kind: "iso" | "syslog" | "monotonic";
  /** the stamp as written, including the separator that follows it */
  text: string;
  year: number | null;
  /** 1–12 */
  month: number | null;
  day: number | null;
  /** seconds since local midnight, fractions kept */
  secondOfDay: number | null;
  /** milliseconds since the epoch when year and zone are both written, else null */
  epochMs: number | null;
  /** monotonic seconds since boot (`[    6.200355]`) */
  monotonic: number | null;
}

/**
 * Month abbreviations as glibc's `%b` prints them (and a few full names people type), lower-cased,
 * in the locales journalctl and rsyslog are run under on servers: English, German, French, Spanish,
 * Italian, Portuguese, Dutch, Swedish/Danish/Norwegian, Polish, Czech, Turkish, Russian, plus the
 * CJK `N月` / `N월` forms that are parsed numerically. Source: glibc localedata `abmon` entries of
 * de_DE, fr_FR, es_ES, it_IT, pt_PT/pt_BR, nl_NL, sv_SE, pl_PL, cs_CZ, tr_TR, ru_RU.
 */
const MONTH_NAMES: ReadonlyArray<readonly string[]> = [
  [
    "jan",
    "january",
    "janv",
    "janvier",
    "ene",
    "enero",
    "gen",
    "gennaio",
    "jan",
    "janeiro",
    "sty",
    "led",
    "oca",
    "янв",
    "januar",
    "jänner",
    "jän",
    "tammi",
  ],
  [
    "feb",
    "february",
    "févr",
    "fevr",
    "février",
    "febrero",
    "febbraio",
    "fev",
    "fevereiro",
    "lut",
    "úno",
    "uno",
    "şub",
    "sub",
    "фев",
    "februar",
  ],
  ["mar", "march", "mär", "mrz", "märz", "mars", "marzo", "março", "mrt", "maart", "bře", "bre", "мар"],
  ["apr", "april", "avr", "avril", "abr", "abril", "aprile", "kwi", "dub", "nis", "апр"],
  ["may", "mai", "mayo", "mag", "maggio", "maio", "mei", "maj", "kvě", "kve", "мая", "май"],
  ["jun", "june", "juin", "junio", "giu", "giugno", "junho", "juni", "cze", "čer", "cer", "haz", "июн"],
  [
    "jul",
    "july",
    "juil",
    "juillet",
    "julio",
    "lug",
    "luglio",
    "julho",
    "juli",
    "lip",
    "čvc",
    "cvc",
    "tem",
    "июл",
  ],
  ["aug", "august", "août", "aout", "ago", "agosto", "augustus", "sie", "srp", "ağu", "agu", "авг"],
  [
    "sep",
    "sept",
    "september",
    "septembre",
    "septiembre",
    "set",
    "settembre",
    "setembro",
    "wrz",
    "zář",
    "zar",
    "eyl",
    "сен",
  ],
  [
    "oct",
    "october",
    "octobre",
    "octubre",
    "ott",
    "ottobre",
    "out",
    "outubro",
    "okt",
    "oktober",
    "paź",
    "paz",
    "říj",
    "rij",
    "eki",
    "окт",
  ],
  ["nov", "november", "novembre", "noviembre", "novembro", "lis", "kas", "ноя"],
  [
    "dec",
    "december",
    "déc",
    "décembre",
    "dic",
    "diciembre",
    "dicembre",
    "dez",
    "dezembro",
    "dezember",
    "gru",
    "pro",
    "ara",
    "дек",
  ],
];

const MONTHS = new Map<string, number>();
MONTH_NAMES.forEach((names, i) => {
  for (const n of names) if (!MONTHS.has(n)) MONTHS.set(n, i + 1);
});

/** The month a name stands for (any case, trailing `.` allowed, `3月`/`3월` numeric), else null. */
export function monthNumber(name: string): number | null {
  const n = name.toLowerCase().replace(/\.$/, "");
  const cjk = /^(\d{1,2})[月월]$/.exec(n);
  if (cjk) {
    const m = Number(cjk[1]);
    return m >= 1 && m <= 12 ? m : null;
  }
  return MONTHS.get(n) ?? null;
}

/** Longest prefix looked at: stamps are short, and a bounded scan keeps hostile lines linear. */
const SCAN = 64;

const MONO = /^\[\s*(\d{1,10})\.(\d{1,9})\]\s*/;
// 2024-01-21T06:59:11.123456+00:00 | 2024-01-21 06:59:11 | Mon 2024-01-21 06:59:11 UTC
const ISO =
  /^(?:[A-Za-z]{3} )?(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})([.,]\d{1,9})?(Z|[+-]\d{2}:?\d{2})?(?: ([A-Z]{2,5}))?\s+/;
// Jan 21 06:59:11 | Mär  3 10:00:01.123456 | janv. 21 06:59:11 | 9月 17 16:52:14 | Mon Jan 21 …
const SYSLOG =
  /^(?:[A-Za-z]{3} )?([^\s\d:[\]]{2,10}\.?|\d{1,2}[月월])\s{1,2}(\d{1,2})\s+(\d{2}):(\d{2}):(\d{2})([.,]\d{1,9})?\s+/;
// + 2021-01-05 01:36:17 /usr/bin/kdumpctl@757: (kdump.log xtrace)
const XTRACE = /^\++ (\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\s+/;

function seconds(h: string, m: string, s: string, frac: string | undefined): number {
  return Number(h) * 3600 + Number(m) * 60 + Number(s) + (frac ? Number(`0${frac.replace(",", ".")}`) : 0);
}

function zoneMs(zone: string | undefined, abbr: string | undefined): number | null {
  if (zone === "Z" || abbr === "UTC" || abbr === "GMT") return 0;
  if (zone === undefined) return null;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!m) return null;
  const sign = m[1] === "-" ? -1 : 1;
  return sign * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

/** Reads the stamp at the start of a line; null when the line does not start with one. */
export function readLogStamp(line: string): LogStamp | null {
  const head = line.slice(0, SCAN);
  const mono = MONO.exec(head);
  if (mono) {
    return {
      kind: "monotonic",
      text: mono[0],
      year: null,
      month: null,
      day: null,
      secondOfDay: null,
      epochMs: null,
      monotonic: Number(`${mono[1]}.${mono[2]}`),
    };
  }
  const iso = ISO.exec(head) ?? XTRACE.exec(head);
  if (iso) {
    const [, y, mo, d, h, mi, s] = iso;
    const frac = iso[7];
    const month = Number(mo);
    const day = Number(d);
    if (month < 1 || month > 12 || day < 1 || day > 31) return null;
    const secondOfDay = seconds(h!, mi!, s!, frac);
    const offset = zoneMs(iso[8], iso[9]);
    const local = Date.UTC(Number(y), month - 1, day) + secondOfDay * 1000;
    return {
      kind: "iso",
      text: iso[0],
      year: Number(y),
      month,
      day,
      secondOfDay,
      epochMs: offset === null ? null : Math.floor(local - offset),
      monotonic: null,
    };
  }
  const sys = SYSLOG.exec(head);
  if (sys) {
    const month = monthNumber(sys[1]!);
    const day = Number(sys[2]);
    if (month === null || day < 1 || day > 31) return null;
    return {
      kind: "syslog",
      text: sys[0],
      year: null,
      month,
      day,
      secondOfDay: seconds(sys[3]!, sys[4]!, sys[5]!, sys[6]),
      epochMs: null,
      monotonic: null,
    };
  }
  return null;
}

/**
 * A number that orders stamps of one host clock: month, day and time (the year too when written).
 * Two yearless stamps compare correctly within one year, which is all a boot's log spans in
 * practice; null for monotonic stamps (they restart at every boot).
 */
export function localKey(stamp: LogStamp): number | null {
  if (stamp.month === null || stamp.day === null || stamp.secondOfDay === null) return null;
  return (stamp.month * 32 + stamp.day) * 86400 + stamp.secondOfDay;
}
