/**
 * argon2id password hashing (DESIGN §6). Parameters follow OWASP's argon2id minimum (19 MiB, 2 passes).
 */
import { hash, verify } from '@node-rs/argon2';

// `Algorithm` is an ambient const enum, which isolatedModules cannot read: 2 is Algorithm.Argon2id.
const options = { algorithm: 2 as never, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Spends one verification on a fixed hash, so an unknown email costs the same time as a wrong password and the
 * two cannot be told apart by timing.
 */
export async function verifyDummy(password: string): Promise<void> {
  dummy ??= hashPassword('dummy-password-for-timing-only');
  await verifyPassword(await dummy, password);
}
