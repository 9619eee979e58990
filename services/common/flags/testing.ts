/**
 * Test helpers for flags: a logger that keeps its lines.
 *
 * @module
 */
import type { LogFields, Logger, LogLevel } from "../log.ts";

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
