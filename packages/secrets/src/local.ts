import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { KeyStore } from './keystore.js';

const uuidRe = /^[0-9a-f-]{36}$/i;
const nameRe = /^[a-z0-9-]{1,64}$/;

/**
 * Reads the master key, creating it once (mode 0600) when absent. The key is written to a private temp file and
 * hard-linked into place, so a process racing this one sees either no file or the whole key, never half of it.
 */
function loadMasterKey(path: string): Buffer {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (!existsSync(path)) {
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, randomBytes(32).toString('base64') + '\n', { flag: 'wx', mode: 0o600 });
    try {
      linkSync(tmp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      unlinkSync(tmp);
    }
  }
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new Error(`key store: ${path} does not hold a 32-byte key`);
  return key;
}

function seal(key: Buffer, plaintext: Buffer, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return `${iv.toString('base64url')}.${body.toString('base64url')}`;
}

function open(key: Buffer, sealed: string, aad: string): Buffer {
  const [ivText, bodyText] = sealed.split('.');
  if (!ivText || !bodyText) throw new Error('key store: malformed ciphertext');
  const body = Buffer.from(bodyText, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64url'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]);
}

/**
 * The embedded key store: one master key on disk; per-tenant key-encryption keys derived with HKDF; each value
 * encrypted under its own random data key (envelope), which is wrapped by the tenant's KEK. Rotating the master
 * key means rewrapping data keys only.
 */
export class LocalKeyStore implements KeyStore {
  readonly #master: Buffer;
  readonly #root: string;

  constructor(masterKeyPath: string) {
    this.#master = loadMasterKey(masterKeyPath);
    this.#root = join(dirname(masterKeyPath), 'kv');
  }

  #derive(info: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.#master, Buffer.alloc(0), info, 32));
  }

  async encrypt(tenantId: string, plaintext: string): Promise<string> {
    const dek = randomBytes(32);
    const wrapped = seal(this.#derive(`kek:${tenantId}`), dek, tenantId);
    return `v1.${wrapped}.${seal(dek, Buffer.from(plaintext, 'utf8'), tenantId)}`;
  }

  async decrypt(tenantId: string, ciphertext: string): Promise<string> {
    const parts = ciphertext.split('.');
    if (parts.length !== 5 || parts[0] !== 'v1') throw new Error('key store: malformed ciphertext');
    const dek = open(this.#derive(`kek:${tenantId}`), `${parts[1]}.${parts[2]}`, tenantId);
    return open(dek, `${parts[3]}.${parts[4]}`, tenantId).toString('utf8');
  }

  async blindIndex(tenantId: string, purpose: string, value: string): Promise<string> {
    return createHmac('sha256', this.#derive(`bidx:${purpose}:${tenantId}`)).update(value).digest('base64url');
  }

  async namedKey(name: string): Promise<Buffer> {
    if (!nameRe.test(name)) throw new TypeError('key store: bad key name');
    return this.#derive(`named:${name}`);
  }

  #path(tenantId: string, name: string): string {
    if (!uuidRe.test(tenantId) || !nameRe.test(name)) throw new TypeError('key store: bad tenant or secret name');
    return join(this.#root, tenantId, `${name}.sealed`);
  }

  async readTenantSecret(tenantId: string, name: string): Promise<Record<string, string> | null> {
    let sealed: string;
    try {
      sealed = await readFile(this.#path(tenantId, name), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    return JSON.parse(open(this.#derive(`kv:${tenantId}`), sealed.trim(), name).toString('utf8'));
  }

  async writeTenantSecret(tenantId: string, name: string, value: Record<string, string>): Promise<void> {
    const path = this.#path(tenantId, name);
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, seal(this.#derive(`kv:${tenantId}`), Buffer.from(JSON.stringify(value)), name), { mode: 0o600 });
    await rename(tmp, path);
  }
}
