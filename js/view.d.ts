// taskqueue-wasm/view: the live graph of any tasks in a page (SPEC §11).
// See docs/view.md.
import type { Task } from './index.js';

export interface MountGraphOptions {
  /** Draw the tasks the given ones block, transitively (default true). */
  followBlocking?: boolean;
  /** Draw the prerequisites of the given tasks, transitively (default true). */
  followRequired?: boolean;
  /**
   * Siblings drawn as one group: true (default) from 10 of them on, a
   * number (at least 2) from that many on, false never.
   */
  group?: boolean | number;
  /** 'light' (default), 'dark', or 'auto' (follows `prefers-color-scheme`). */
  theme?: 'light' | 'dark' | 'auto';
  /** Called when the selection changes: by a click, the keyboard, or `select()`; null when cleared. */
  onSelect?: (task: Task | null) => void;
  /** Fit the drawing to the element when mounted (default true); false: 1:1 from the top-left, whatever `initialView` says. */
  fit?: boolean;
  /**
   * How the drawing opens (when `fit` is not false): 'fit' (default),
   * fitted to the element; 'readable', fitted if its text is readable
   * so (the 14px font at least 10 screen pixels), otherwise at that
   * scale on the drawing's top-left, its first rows.
   */
  initialView?: 'fit' | 'readable';
}

/** What `mountGraph` returns. Every method does nothing once `destroy()` was called. */
export interface GraphController {
  /** The `<svg class="tq-view">` the view put in the element. */
  readonly element: SVGSVGElement;
  /** The selected task, or null. */
  readonly selected: Task | null;
  /**
   * Lays the graph out again: after tasks were added to it, or with new
   * tasks to draw (`tasks` given). Pan, zoom and selection are kept.
   */
  update(tasks?: Task | Iterable<Task>): void;
  /** Selects a task (null: none); calls `onSelect` if the selection changed. */
  select(task: Task | null): void;
  /** Scales (at most 1:1) and centres the drawing to fit the element. */
  fit(): void;
  /**
   * Pans so that the task's node (or the closed group holding it) is
   * centred in the element, keeping the zoom unless text is unreadable
   * at it (then it zooms in so that the 14px font is 10 screen pixels).
   * False if the task is not drawn.
   */
  reveal(task: Task): boolean | undefined;
  /** Zooms by `factor` about the element's centre. */
  zoom(factor: number): void;
  /** Draws open the group `task` is a member of; false if it is in no closed group. */
  expand(task: Task): boolean | undefined;
  /** Closes the open group `task` is a member of; false if it is in no open group. */
  collapse(task: Task): boolean | undefined;
  /**
   * Removes the view: every task callback it added, its listeners, its
   * timer and animation frame, the `<svg>`, and the stylesheet once no
   * view of the page is left. Does nothing the second time.
   */
  destroy(): void;
}

/**
 * Draws `tasks` (by default with everything connected to them) in
 * `element` as a live graph: nodes coloured by state, running tasks
 * with their attempt and elapsed time, wide fans as groups that open on
 * request; pan, zoom, fit, keyboard and selection. `element` needs a
 * size: the `<svg>` fills it.
 */
export function mountGraph(element: Element, tasks: Task | Iterable<Task>, options?: MountGraphOptions): GraphController;

/** The view's stylesheet (put in once per document by `mountGraph`; for pages that need it elsewhere, e.g. a shadow root). */
export const styles: string;

/** An elapsed time as the view shows it: `4.2s`, `42s`, `3m05s`, `1h02m`. */
export function formatElapsed(ms: number): string;
