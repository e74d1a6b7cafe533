/**
 * Source-address allow-list for Daraja callbacks (DESIGN §7): exact IPs or CIDR blocks, IPv4 and IPv6.
 * An IPv4-mapped IPv6 address (`::ffff:196.201.214.200`, what a dual-stack socket reports) is checked as IPv4 too.
 */
import { BlockList, isIP } from 'node:net';

export interface AllowList {
  allows(address: string | undefined): boolean;
  /** The entries as given, for logs at start. */
  readonly entries: readonly string[];
}

const mappedV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** Parses `a,b/24,...`; throws a TypeError naming the first bad entry. */
export function parseAllowList(value: string): AllowList {
  const list = new BlockList();
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new TypeError('needs at least one address');
  for (const entry of entries) {
    const [address = '', prefix, ...rest] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || rest.length > 0) throw new TypeError(`not an IP address or CIDR: ${entry}`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const bits = Number(prefix);
    if (!/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128)) throw new TypeError(`bad prefix length: ${entry}`);
    list.addSubnet(address, bits, type);
  }
  return {
    entries,
    allows(addr) {
      if (!addr) return false;
      const family = isIP(addr);
      if (family === 4) return list.check(addr, 'ipv4');
      if (family !== 6) return false;
      if (list.check(addr, 'ipv6')) return true;
      const v4 = mappedV4.exec(addr)?.[1];
      return v4 !== undefined && list.check(v4, 'ipv4');
    },
  };
}
