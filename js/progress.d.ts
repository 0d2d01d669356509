// taskqueue-wasm/progress: the progress of a make, or of any tasks, in a
// Node terminal (SPEC §11). See docs/progress.md.
import type { MakeRun, Task } from './index.js';

/**
 * Where the display writes: `process.stderr`, `process.stdout`, or
 * anything with `write(text)`. Typed by what is used, so that no Node
 * types are needed.
 */
export interface ProgressStream {
  write(text: string): unknown;
  /** true: a terminal, the block is redrawn in place (unless `live` says otherwise). */
  readonly isTTY?: boolean;
  /** The terminal's width, read at each frame (unless `width` is given). */
  readonly columns?: number;
  /** The terminal's height: the block keeps below it. */
  readonly rows?: number;
}

export interface ProgressOptions {
  /** Default `process.stderr`. */
  stream?: ProgressStream;
  /**
   * Colour in the live block (plain lines never have any). Default: the
   * block is live and `NO_COLOR` is unset or empty.
   */
  colour?: boolean;
  /** The same as `colour`. */
  color?: boolean;
  /** Columns of the live block, at least 20 (default `stream.columns`, else 80); no line is wider than width - 1. */
  width?: number;
  /** Ms between redraws of the live block, at least 10 (default 100). */
  interval?: number;
  /** Shown before the bar, and before the summary line. */
  title?: string;
  /** Redraw a block in place (true) or write plain lines (false); default `stream.isTTY`. */
  live?: boolean;
}

/** What `renderProgress` returns. */
export interface Progress {
  /**
   * Ends the display now (the make, if any, goes on): a last frame with
   * the summary, every callback it added removed, its timer cleared.
   * Does nothing once ended.
   */
  stop(): void;
  /** Writes a line of yours above the live block (or among the plain lines). */
  log(text: string): void;
  /** Resolves once the display has ended: the make ended, or stop() was called. Never rejects. */
  readonly done: Promise<void>;
}

/**
 * Shows the progress of a make (what `make()` returns: until it ends,
 * however it ends) or of tasks (until `stop()`), with their prerequisites,
 * transitively. On a TTY a block redrawn in place: a bar, counts per
 * state, the running tasks with their elapsed time and attempt, the
 * failures with the first line of their error; the last frame and a
 * summary line stay on screen. Elsewhere one plain line per event (a
 * task started, ended, failed; an attempt failed and the wait before
 * the next), then the summary. A bad argument is a TypeError naming it.
 */
export function renderProgress(tasksOrMake: MakeRun | Task | Iterable<Task>, options?: ProgressOptions): Progress;
