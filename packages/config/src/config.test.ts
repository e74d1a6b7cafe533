import t from 'tap';
import { ConfigError, parseConfig, port, postgresUrl, z } from './index.js';

const shape = { DATABASE_URL: postgresUrl(), PORT: port(8081), MODE: z.enum(['a', 'b']).default('a') };

t.test('valid settings parse, defaults apply, empty means unset', async (t) => {
  const cfg = parseConfig(shape, { DATABASE_URL: 'postgres://u@h/db', PORT: '', MODE: undefined });
  t.same(cfg, { DATABASE_URL: 'postgres://u@h/db', PORT: 8081, MODE: 'a' });
});

t.test('a missing setting is named', async (t) => {
  const err = t.throws(() => parseConfig(shape, {})) as ConfigError;
  t.equal(err.setting, 'DATABASE_URL');
  t.match(err.message, /DATABASE_URL: is required/);
});

t.test('a malformed setting is named with the problem', async (t) => {
  const err = t.throws(() => parseConfig(shape, { DATABASE_URL: 'postgres://x', PORT: 'eighty' })) as ConfigError;
  t.equal(err.setting, 'PORT');
  t.notMatch(err.message, /eighty/, 'the value itself is not echoed (it may be a secret)');
});
