/**
 * The process half of `make start` (scripts/dev prepares install, servers, secrets and migrations first):
 * starts daraja-sim and the seven services on their DESIGN §2 ports with the launcher the tests use
 * (`startStack` in @duka/testkit), prints where things are, and stops everything on Ctrl-C. A process that dies
 * stops the whole stack, after printing the end of its log.
 */
import { readFileSync, renameSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { readEnvFile } from '@duka/config';
import { serviceDatabases } from '@duka/db';
import type { ChildProcess } from 'node:child_process';
import { defaultPorts, repoRoot, startStack, stopChildren, type ServiceName } from '@duka/testkit';

const env = { ...readEnvFile(join(repoRoot, '.data/secrets.env')), ...process.env };
const need = (name: string) => {
  const value = env[name];
  if (!value) {
    process.stderr.write(`[dev] error: ${name} is not set (scripts/lib/secrets-init makes it)\n`);
    process.exit(78);
  }
  return value;
};
const pgHost = env.PGHOST_ADDR ?? '127.0.0.1:5432';
const dbName = env.DUKA_DB_NAME ?? 'duka';
const logDir = join(repoRoot, '.data', 'logs');

// Keep the previous run's logs as <name>.log.1.
for (const name of Object.keys(defaultPorts)) {
  const file = join(logDir, `${name}.log`);
  if (existsSync(file)) renameSync(file, `${file}.1`);
}

// Signals may come while the stack is still starting: track every child from its spawn, so none is left behind.
const children = new Map<ServiceName, ChildProcess>();
let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  process.stdout.write('[dev] stopping...\n');
  await stopChildren([...children.values()].reverse());
  process.stdout.write('[dev] stopped\n');
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

const stack = await startStack({
  root: repoRoot,
  ports: defaultPorts,
  databaseUrls: Object.fromEntries(
    serviceDatabases.map((s) => [s.service, `postgres://${s.role}:${encodeURIComponent(need(s.passwordEnv))}@${pgHost}/${dbName}`]),
  ),
  natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
  redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  namespace: env.DUKA_NAMESPACE ?? '',
  keystorePath: env.KEYSTORE_PATH ?? join(repoRoot, '.data', 'keys', 'master.key'),
  sim: {
    consumerKey: need('SIM_CONSUMER_KEY'),
    consumerSecret: need('SIM_CONSUMER_SECRET'),
    shortcode: need('SIM_SHORTCODE'),
    passkey: need('SIM_PASSKEY'),
    callbackDelayMs: Number(env.SIM_CALLBACK_DELAY_MS ?? 300),
  },
  logDir,
  logLevel: env.LOG_LEVEL ?? 'info',
  inheritEnv: true,
  onSpawn: (name, child) => {
    children.set(name, child);
    child.once('exit', (status) => {
      if (stopping) return;
      const file = join(logDir, `${name}.log`);
      process.stderr.write(`[dev] ${name} exited (status ${status}); the end of ${file}:\n`);
      process.stderr.write(readFileSync(file, 'utf8').split('\n').slice(-40).join('\n') + '\n');
      void stop(1);
    });
  },
}).catch((err: Error) => {
  process.stderr.write(`[dev] error: ${err.message}\n`);
  const log = /see (\S+)$/.exec(err.message)?.[1];
  if (log && existsSync(log)) process.stderr.write(readFileSync(log, 'utf8').split('\n').slice(-40).join('\n') + '\n');
  process.exit(1);
});

process.stdout.write(`
  Duka is running.
    gateway      ${stack.url('gateway')}
    daraja-sim   ${stack.url('daraja-sim')}
    logs         .data/logs/<name>.log
  Try it: make demo (in another terminal). Ctrl-C to stop.

`);
