/** The generated TypeScript must be what `pnpm gen` makes from proto/ today (STYLE 5): CI fails on drift. */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

t.test('packages/contracts/src/gen matches proto/', async (t) => {
  const run = spawnSync('bash', ['scripts/gen-contracts', '--check'], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  t.equal(run.status, 0, run.stdout + run.stderr);
});
