// The job graphs the page offers, as plain data: a spec is
// `{ title, jobs: [{ name, requires: [names], ms, fails }] }`, where `ms`
// is the simulated work and `fails` how many first attempts throw.

/** The seed's example: t2 requires t1. */
export function seedGraph() {
  return {
    title: "the seed's example",
    jobs: [
      { name: 't1', requires: [], ms: 600, fails: 0 },
      { name: 't2', requires: ['t1'], ms: 600, fails: 0 },
    ],
  };
}

const PACKAGES = ['core', 'parser', 'render', 'cli', 'server', 'web'];

/** A build-and-deploy pipeline of a few dozen jobs; the e2e tests fail once. */
export function pipelineGraph() {
  const jobs = [];
  const job = (name, ms, requires = [], fails = 0, error = undefined) => jobs.push({ name, requires, ms, fails, error });
  job('checkout', 400);
  job('install deps', 1400, ['checkout']);
  job('codegen', 500, ['install deps']);
  job('lint', 900, ['install deps']);
  job('typecheck', 1300, ['codegen']);
  for (const [i, pkg] of PACKAGES.entries()) {
    job(`compile ${pkg}`, 700 + 230 * ((i * 5) % 6), ['codegen']);
    job(`unit ${pkg}`, 500 + 180 * ((i * 7) % 5), [`compile ${pkg}`]);
  }
  job('bundle', 900, PACKAGES.map((p) => `compile ${p}`));
  job('docs', 1100, ['typecheck']);
  job('docker image', 1600, ['bundle']);
  job('integration tests', 1500, ['bundle', ...PACKAGES.map((p) => `unit ${p}`)]);
  job('e2e tests', 1300, ['docker image'], 1, 'checkout.spec: timed out after 30 s waiting for #pay (flaky)');
  job('security scan', 800, ['docker image']);
  job('sign artifacts', 400, ['bundle', 'lint', 'typecheck']);
  job('upload artifacts', 700, ['sign artifacts']);
  job('push image', 900, ['docker image', 'security scan']);
  job('migrate staging db', 600, ['integration tests']);
  job('deploy staging', 1000, ['push image', 'migrate staging db', 'upload artifacts']);
  job('smoke tests', 700, ['deploy staging', 'e2e tests']);
  job('publish docs', 500, ['docs', 'smoke tests']);
  job('deploy production', 1200, ['smoke tests']);
  job('notify team', 200, ['deploy production', 'publish docs']);
  return { title: 'build & deploy pipeline', jobs };
}

/** A small seeded random generator (mulberry32), so a seed redraws the same graph. */
export function randomSource(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random DAG of `n` jobs: each requires up to three of the forty before
 * it (so the graph is deep as well as wide), durations 150–1500 ms, and
 * about one job in a hundred fails its first attempt.
 */
export function randomGraph(n, seed) {
  const random = randomSource(seed);
  const width = String(n).length;
  const names = Array.from({ length: n }, (_, i) => `t${String(i + 1).padStart(width, '0')}`);
  const jobs = names.map((name, i) => {
    const requires = new Set();
    const wanted = i === 0 ? 0 : Math.floor(random() * 4);
    for (let k = 0; k < wanted; k++) requires.add(names[i - 1 - Math.floor(random() * Math.min(i, 40))]);
    const fails = random() < 0.01 ? 1 : 0;
    return { name, requires: [...requires], ms: Math.round(150 + random() * 1350), fails };
  });
  return { title: `random DAG of ${n} tasks (seed ${seed})`, jobs };
}

/**
 * A wide fan: `n` independent jobs of about `ms` each, then one that
 * requires them all. With concurrency ≥ n every job runs at once (the
 * page's benchmark uses it for 2,000 running tasks); the view draws the
 * fan as one group unless the page says `group=off`.
 */
export function wideGraph(n, ms = 6000) {
  const width = String(n).length;
  const names = Array.from({ length: n }, (_, i) => `w${String(i + 1).padStart(width, '0')}`);
  const jobs = names.map((name) => ({ name, requires: [], ms, fails: 0 }));
  jobs.push({ name: 'collect', requires: names, ms: 300, fails: 0 });
  return { title: `wide fan of ${n} tasks`, jobs };
}
