/**
 * Logs are one JSON object per line (level, msg, time, then fields), written to stderr so
 * that command output on stdout (status, --help) stays clean for scripts.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A progress line for long work; throttled so a hot loop can call it freely. */
  progress(task: string, fields: Record<string, unknown>): void;
}

export interface LoggerOptions {
  level?: LogLevel;
  write?: (line: string) => void;
  /** Minimum milliseconds between two progress lines of the same task. */
  progressEveryMs?: number;
  now?: () => number;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const min = ORDER[opts.level ?? "info"];
  const write = opts.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const now = opts.now ?? Date.now;
  const every = opts.progressEveryMs ?? 5_000;
  const lastProgress = new Map<string, number>();
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    write(JSON.stringify({ level, msg, time: new Date(now()).toISOString(), ...fields }, errorReplacer));
  };
  return {
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    progress(task, fields) {
      const t = now();
      const last = lastProgress.get(task);
      if (last !== undefined && t - last < every) return;
      lastProgress.set(task, t);
      emit("info", "progress", { task, ...fields });
    },
  };
}

/** A logger that keeps lines in memory, for tests. */
export function memoryLogger(): Logger & { lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level: "debug", write: (l) => lines.push(JSON.parse(l)), progressEveryMs: 0 });
  return Object.assign(logger, { lines });
}

function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}
