// EBU R128 loudness normalisation with ffmpeg's loudnorm filter, in two passes: the first measures
// the source, the second applies the measured values (linear gain when the source allows it).

/** Integrated loudness target, as a listener hears it (stereo, or mono played on both ears). */
export const TARGET_LUFS = -16;
/** The published ceiling. */
export const MAX_TRUE_PEAK_DBTP = -1;
/**
 * What loudnorm aims for: 0.5 dB below the ceiling, because lossy encoders (MP3, and AAC at low
 * bitrates even more) add inter-sample peaks; measured on our renditions, that headroom keeps the
 * published files, not only the PCM, at or below −1 dBTP.
 */
export const LOUDNORM_TRUE_PEAK_DBTP = -1.5;
export const TARGET_LRA = 11;
/**
 * ITU-R BS.1770 sums channel powers, so one channel played on both ears is 3.01 LU louder than a
 * single-channel measure says. Mono files are therefore normalised to −19 LUFS single-channel
 * (= −16 LUFS dual-mono, AES TD1004), the same perceived level as the stereo files; the figures we
 * report for mono are dual-mono, comparable with the −16 target.
 */
export const DUAL_MONO_OFFSET_LU = 3.01;

export interface LoudnormReport {
  input_i: number;
  input_tp: number;
  input_lra: number;
  input_thresh: number;
  output_i: number;
  output_tp: number;
  output_lra: number;
  output_thresh: number;
  normalization_type: string;
  target_offset: number;
}

/** Measurements of the first pass, in loudnorm's own (single-channel for mono) scale. */
export interface LoudnessMeasurement {
  integrated: number;
  truePeak: number;
  lra: number;
  threshold: number;
  targetOffset: number;
}

function loudnormTarget(channels: 1 | 2): string {
  const integrated = channels === 1 ? TARGET_LUFS - DUAL_MONO_OFFSET_LU : TARGET_LUFS;
  return `I=${integrated.toFixed(2)}:TP=${LOUDNORM_TRUE_PEAK_DBTP}:LRA=${TARGET_LRA}`;
}

/** First pass: measure only (its audio output is discarded). */
export function measureFilter(channels: 1 | 2): string {
  return `loudnorm=${loudnormTarget(channels)}:print_format=json`;
}

/** Second pass: apply the first pass's measurements; linear=true keeps dynamics when the target allows it. */
export function normaliseFilter(channels: 1 | 2, m: LoudnessMeasurement): string {
  const f = (n: number) => n.toFixed(2);
  return (
    `loudnorm=${loudnormTarget(channels)}` +
    `:measured_I=${f(m.integrated)}:measured_TP=${f(m.truePeak)}:measured_LRA=${f(m.lra)}` +
    `:measured_thresh=${f(m.threshold)}:offset=${f(m.targetOffset)}:linear=true:print_format=json`
  );
}

/**
 * loudnorm prints its report as a JSON object after a "[Parsed_loudnorm_N @ …]" line, values as
 * strings ("-16.02", "-inf"). Returns every report of the run, in filtergraph order (N), so a
 * graph with several loudnorm instances can tell them apart.
 */
export function parseLoudnormReports(log: string[]): LoudnormReport[] {
  const reports: { index: number; report: LoudnormReport }[] = [];
  log.forEach((line, at) => {
    const marker = /Parsed_loudnorm_(\d+)/.exec(line);
    if (!marker) return;
    const start = log.findIndex((l, i) => i > at && l.trim() === "{");
    const end = log.findIndex((l, i) => i > start && l.trim() === "}");
    if (start < 0 || end < 0) return;
    try {
      reports.push({ index: Number(marker[1]), report: toReport(JSON.parse(log.slice(start, end + 1).join("\n")) as Record<string, string>) });
    } catch {
      // not a report (loudnorm logs nothing else at info level, but be strict)
    }
  });
  return reports.sort((a, b) => a.index - b.index).map((r) => r.report);
}

function toReport(raw: Record<string, string>): LoudnormReport {
  const value = (key: string) => {
    const v = raw[key];
    if (v === "-inf") return -Infinity;
    if (v === "inf") return Infinity;
    return Number(v);
  };
  return {
    input_i: value("input_i"),
    input_tp: value("input_tp"),
    input_lra: value("input_lra"),
    input_thresh: value("input_thresh"),
    output_i: value("output_i"),
    output_tp: value("output_tp"),
    output_lra: value("output_lra"),
    output_thresh: value("output_thresh"),
    normalization_type: String(raw.normalization_type ?? ""),
    target_offset: value("target_offset"),
  };
}

export function measurementFrom(report: LoudnormReport): LoudnessMeasurement | null {
  const m = {
    integrated: report.input_i,
    truePeak: report.input_tp,
    lra: report.input_lra,
    threshold: report.input_thresh,
    targetOffset: report.target_offset,
  };
  // Silence (below the −70 LUFS gate) has no integrated loudness: there is nothing to normalise.
  return Object.values(m).every(Number.isFinite) ? m : null;
}

/** A loudnorm figure in the scale we report: dual-mono for mono (see DUAL_MONO_OFFSET_LU). */
export function reportedLufs(value: number, channels: 1 | 2): number {
  return round2(channels === 1 ? value + DUAL_MONO_OFFSET_LU : value);
}

export const round2 = (n: number) => Math.round(n * 100) / 100;
