/**
 * Test helpers for flags: a logger that keeps its lines, flag values set without a file.
 *
 * @module
 */
import type { LogFields, Logger, LogLevel } from "../log.ts";
import { flags, type FlagSource } from "./flags.ts";
import type { FlagKey } from "./keys.ts";

/** One line a {@linkcode RecordingLogger} kept. */
export interface RecordedLine {
  level: LogLevel;
  msg: string;
  fields: LogFields;
}

/** A logger keeping every line in memory. */
export class RecordingLogger implements Logger {
  /** Every line, in order. */
  readonly lines: RecordedLine[] = [];
  /** Logs at debug level. */
  debug(msg: string, fields: LogFields = {}): void {
    this.lines.push({ level: "debug", msg, fields });
  }
  /** Logs at info level. */
  info(msg: string, fields: LogFields = {}): void {
    this.lines.push({ level: "info", msg, fields });
  }
  /** Logs at warn level. */
  warn(msg: string, fields: LogFields = {}): void {
    this.lines.push({ level: "warn", msg, fields });
  }
  /** Logs at error level. */
  error(msg: string, fields: LogFields = {}): void {
    this.lines.push({ level: "error", msg, fields });
  }
  /** The lines at `level`. */
  at(level: LogLevel): RecordedLine[] {
    return this.lines.filter((l) => l.level === level);
  }
}

/**
 * Sets this process's `flags` to `values` (a stand-in source, no SDK) until the returned function is
 * called; `set` changes values while in use.
 */
export function useFlagValues(
  values: Partial<Record<FlagKey, number | boolean>>,
): { set(key: FlagKey, value: number | boolean): void; restore(): void } {
  const current = { ...values };
  const source: FlagSource = {
    number: (key, fallback) =>
      Promise.resolve(typeof current[key] === "number" ? current[key] as number : fallback),
    bool: (key, fallback) =>
      Promise.resolve(typeof current[key] === "boolean" ? current[key] as boolean : fallback),
    close: () => Promise.resolve(),
  };
  flags.use(source, true);
  return {
    set(key, value) {
      current[key] = value;
    },
    restore: () => flags.use(undefined, false),
  };
}
