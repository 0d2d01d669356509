// The colours of the drawings, in one place (SPEC §5 and §11): a task's
// fill by state, as `tasksAsSvg` paints its nodes (the core's
// `State::colour` in src/task_state.rs, with the light text of
// `text_colour` in src/svg/mod.rs on the dark fills), and an attempt's
// bar by outcome, as `tasksAsTimeline` paints it. Every colour is an SVG
// named colour, so a drawing stands alone; `cssVars` names the custom
// properties a page sets to restyle the drawings it embeds (e.g.
// `--tq-running: #fd4;`): the timeline reads them, with these colours as
// fallbacks. A state and the outcome of the same meaning share one
// property (RUNNING and running, DONE and done, ...).

const entry = (fill, text = 'black') => Object.freeze({ fill, text });

/**
 * `palette.states[STATE]`, `palette.outcomes[outcome]`: `{ fill, text }`,
 * the fill and the colour of text written on it. `palette.cssVars`: the
 * custom property of each state and outcome, and of the critical path's
 * outline (`critical`).
 */
export const palette = Object.freeze({
  states: Object.freeze({
    PREPARE: entry('white'),
    PENDING: entry('white'),
    QUEUED: entry('white'),
    RUNNING: entry('yellow'),
    DONE: entry('green'),
    FAILED: entry('red', 'white'),
    CANCELLED: entry('gray'),
    ABORT: entry('darkred', 'white'),
  }),
  outcomes: Object.freeze({
    running: entry('yellow'),
    done: entry('green'),
    failed: entry('red', 'white'),
    timeout: entry('orange'),
    cancelled: entry('gray'),
  }),
  cssVars: Object.freeze({
    states: Object.freeze({
      PREPARE: '--tq-prepare',
      PENDING: '--tq-pending',
      QUEUED: '--tq-queued',
      RUNNING: '--tq-running',
      DONE: '--tq-done',
      FAILED: '--tq-failed',
      CANCELLED: '--tq-cancelled',
      ABORT: '--tq-abort',
    }),
    outcomes: Object.freeze({
      running: '--tq-running',
      done: '--tq-done',
      failed: '--tq-failed',
      timeout: '--tq-timeout',
      cancelled: '--tq-cancelled',
    }),
    critical: '--tq-critical',
  }),
});
