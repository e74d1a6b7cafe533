import t from 'tap';
import { randomUUID } from 'node:crypto';
import { hashRefreshToken, newRefreshToken, refreshTokenTenant } from './tokens.js';

t.test('refresh tokens carry their tenant and are stored hashed', async (t) => {
  const tenant = randomUUID();
  const { token, hash } = newRefreshToken(tenant);
  t.equal(refreshTokenTenant(token), tenant);
  t.equal(hashRefreshToken(token), hash);
  t.not(hash, token);
  t.not(newRefreshToken(tenant).token, token, 'random');
  t.equal(refreshTokenTenant('garbage'), null);
  t.equal(refreshTokenTenant(`${tenant}.short`), null);
  t.equal(refreshTokenTenant(`not-a-uuid.${'a'.repeat(43)}`), null);
  t.equal(refreshTokenTenant(`${token}.extra`), null);
});
